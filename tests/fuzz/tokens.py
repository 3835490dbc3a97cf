"""Prints {role: API token} for the demo logins the fuzz (.ci/fuzz) sends its requests as.

Run after `seed_demo` on the fuzz database: `python -m tests.fuzz.tokens > tokens.json`."""

import json
import os

import django

# One login of every kind of actor the demo has, so scoped endpoints answer with real data
# and real permission checks rather than an empty list for everyone.
ROLES = ["admin", "manager", "finance", "cashier", "dispatcher", "technician", "guard", "regulator", "district",
         "rc", "committee", "owner", "school", "teacher", "guardian", "other"]


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "linli.settings")
    django.setup()
    from rest_framework.authtoken.models import Token

    from linli.orgs.models import User

    tokens = {}
    for username in ROLES:
        token, _ = Token.objects.get_or_create(user=User.objects.get(username=username))
        tokens[username] = token.key
    print(json.dumps(tokens))


if __name__ == "__main__":
    main()
