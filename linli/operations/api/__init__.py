"""The operations API, collected by linli/api_urls.py from `routes` and `paths`."""

from . import access, people

routes = [*people.routes, *access.routes]
paths = [*people.paths, *access.paths]
