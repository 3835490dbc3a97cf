"""The demo world that `manage.py seed_demo` loads (DESIGN §5): 苗庄小区 of the seed, 篇一.

Any app under `linli.` may ship a module `demo` with a function `load(ctx)`. The command
calls them in INSTALLED_APPS order inside one transaction, so a loader can build on what
earlier ones left in `ctx` (organizations, users, the community) and a failure leaves nothing
behind. A loader must be idempotent: it looks rows up by their natural key (a code, a username,
a building name and unit number…) and creates only what is missing. It never updates a row
that exists, so running the demo again over a database someone has worked in changes nothing.

Data is drawn from `ctx.rng(name)`: the same seed every run, one stream per name, so adding
a loader or a stream never changes the data of another."""

import datetime as dt
import importlib
import random
from collections import Counter
from dataclasses import dataclass, field
from typing import Any, Callable, NamedTuple, TextIO

from django.apps import apps
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from stdnum.cn import ric, uscc

DEMO_PASSWORD = "Linli@2026"
DEMO_SEED = 20261128


class DemoLogin(NamedTuple):
    role: str  # the role as people say it: 物业经理, 业主 …
    username: str
    password: str
    scope: str  # what the login sees


@dataclass
class DemoContext:
    """What loaders share. `organizations`, `communities` and `users` are keyed by short
    names (`"company"`, `"miaozhuang"`, `"manager"`) that later loaders can rely on."""

    stdout: TextIO | None = None
    seed: int = DEMO_SEED
    password: str = DEMO_PASSWORD
    organizations: dict[str, Any] = field(default_factory=dict)
    company: Any = None
    community: Any = None
    communities: dict[str, Any] = field(default_factory=dict)
    users: dict[str, Any] = field(default_factory=dict)
    logins: list[DemoLogin] = field(default_factory=list)
    created: Counter = field(default_factory=Counter)
    extra: dict[str, Any] = field(default_factory=dict)
    _password_hash: str = ""

    def rng(self, name: str) -> random.Random:
        return random.Random(f"{self.seed}:{name}")

    def log(self, message: str) -> None:
        if self.stdout is not None:
            self.stdout.write(message)

    def count(self, what: str, n: int = 1) -> None:
        if n:
            self.created[what] += n

    @property
    def password_hash(self) -> str:
        # One hash for every demo login: hashing is deliberately slow, and the demo has many.
        if not self._password_hash:
            self._password_hash = make_password(self.password)
        return self._password_hash


def demo_loaders() -> list[tuple[str, Callable[[DemoContext], None]]]:
    """(app name, load) for every linli app with a `demo.load`, in INSTALLED_APPS order."""
    loaders = []
    for config in apps.get_app_configs():
        if not config.name.startswith("linli."):
            continue
        module_name = f"{config.name}.demo"
        try:
            module = importlib.import_module(module_name)
        except ModuleNotFoundError as exc:
            if exc.name == module_name:
                continue
            raise
        load = getattr(module, "load", None)
        if callable(load):
            loaders.append((config.name, load))
    return loaders


def demo_user(ctx: DemoContext, username: str, display_name: str, *, login: tuple[str, str] | None = None,
              key: str | None = None, **fields):
    """The user `username`, created if missing (never changed if present). With `login`
    (role label, scope) it gets the demo password and is listed among the demo logins."""
    User = get_user_model()
    user = User.objects.filter(username=username).first()
    if user is None:
        user = User(username=username, display_name=display_name, **fields)
        if login:
            user.password = ctx.password_hash
        else:
            user.set_unusable_password()
        user.save()
        ctx.count("users")
    if login:
        ctx.logins.append(DemoLogin(login[0], username, ctx.password, login[1]))
    ctx.users[key or username] = user
    return user


# People ----------------------------------------------------------------------------------

SURNAMES = (
    "王王王王李李李李张张张刘刘刘陈陈杨杨赵赵孙孙徐徐马马高高朱于董宋郭韩胡田邵庄颜"
    "吕魏薛丁许沈曹袁彭程蒋蔡贾梁罗谢唐冯石崔任潘杜范孔葛褚闫姜秦汪"
)
MALE_CHARS = "伟强磊军勇杰涛明超刚平辉鹏华飞鑫波斌宇浩凯健俊帆旭宁龙林峰建国志海东文庆成新永春德胜利金玉山忠民兵振"
FEMALE_CHARS = "芳娜敏静丽艳娟霞秀英燕玲桂兰红梅琳萍雪慧莉倩婷颖洁琴云凤珍荣美晶丹蕾欣怡佳悦月梦"
MOBILE_PREFIXES = (
    "130 131 132 133 134 135 136 137 138 139 150 151 152 153 155 156 157 158 159 "
    "166 176 177 178 180 181 182 183 185 186 187 188 189 198 199"
).split()

# The county part of a resident ID is the code in force when it was issued; python-stdnum
# checks it against the birth year, so the code follows the history of Linyi's city centre.
LINYI_COUNTIES = ((1983, "372821"), (1994, "372801"), (9999, "371302"))  # 临沂县 › 临沂市 › 兰山区


class People:
    """Plausible, deterministic people: names, unique mobile numbers, valid ID numbers."""

    def __init__(self, rng: random.Random):
        self.rng = rng
        self._phones: set[str] = set()
        self._ids: set[str] = set()

    def male(self) -> bool:
        return self.rng.random() < 0.5

    def given_name(self, male: bool) -> str:
        chars = MALE_CHARS if male else FEMALE_CHARS
        size = 1 if self.rng.random() < 0.35 else 2
        return "".join(self.rng.choice(chars) for _ in range(size))

    def name(self, male: bool | None = None, surname: str | None = None) -> str:
        male = self.male() if male is None else male
        return (surname or self.rng.choice(SURNAMES)) + self.given_name(male)

    def mobile(self) -> str:
        while True:
            phone = self.rng.choice(MOBILE_PREFIXES) + f"{self.rng.randrange(10**8):08d}"
            if phone not in self._phones:
                self._phones.add(phone)
                return phone

    def birth_date(self, first_year: int, last_year: int) -> dt.date:
        start = dt.date(first_year, 1, 1)
        return start + dt.timedelta(days=self.rng.randrange((dt.date(last_year, 12, 31) - start).days + 1))

    def id_number(self, birth: dt.date, male: bool) -> str:
        """An 18-digit resident ID (GB 11643): county, birth date, sequence (odd for men), check digit."""
        county = next(code for until, code in LINYI_COUNTIES if birth.year < until)
        while True:
            sequence = self.rng.randrange(0, 1000)
            if sequence % 2 != (1 if male else 0):
                sequence = (sequence + 1) % 1000
            body = f"{county}{birth:%Y%m%d}{sequence:03d}"
            number = body + ric.calc_check_digit(body + "0")
            if number not in self._ids:
                self._ids.add(number)
                return ric.validate(number)


def credit_code(rng: random.Random, area: str = "371302") -> str:
    """A unified social credit code (GB 32100) of an enterprise registered in `area`."""
    body = "91" + area + "".join(rng.choice("0123456789ABCDEFGHJKLMNPQRTUWXY") for _ in range(9))
    return uscc.validate(body + uscc.calc_check_digit(body + "0"))
