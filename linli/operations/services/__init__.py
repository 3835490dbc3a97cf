"""Every write of community operations, one module per area: staff (positions, teams, records,
rosters), patrols, environment (cleaning and greening), access (vehicles, cards, gates, passes,
visitors), facilities (assets, maintenance, projects) and notices."""
