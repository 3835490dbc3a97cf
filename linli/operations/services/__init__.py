"""Every write of community operations, one module per topic: staff (positions, teams, records,
rosters), patrols, environment (cleaning and greening), gates (vehicle access: vehicles, cards,
gates, passes, visitors), facilities (assets, maintenance, projects) and notices."""
