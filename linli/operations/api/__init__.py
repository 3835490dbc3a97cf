"""The operations API, one module per topic, collected by linli/api_urls.py from `routes` and
`paths`."""

from . import devices, environment, facilities, gates, notices, patrols, staff

routes = [*staff.routes, *patrols.routes, *environment.routes, *gates.routes, *facilities.routes, *notices.routes]
paths = [*staff.paths, *devices.paths]
