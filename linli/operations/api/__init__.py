"""The operations API, one module per topic, collected by linli/api_urls.py from `routes` and
`paths`."""

from . import appraisal, devices, environment, facilities, gates, greening, notices, patrols, staff

routes = [*staff.routes, *patrols.routes, *environment.routes, *gates.routes, *facilities.routes, *notices.routes,
          *appraisal.routes, *greening.routes]
paths = [*staff.paths, *devices.paths, *appraisal.paths]
