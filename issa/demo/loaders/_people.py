"""Names, places and companies the demo operator's subscribers are drawn from (not a loader).

Surnames are stored in their masculine form; ``surname_for`` gives the feminine one, which for
Belarusian surnames in -ич, -ко, -ук, -як and the like is the same word.
"""

from __future__ import annotations

import random

SURNAMES = [
    "Ковалёв", "Новик", "Жук", "Лукашевич", "Мельник", "Карпович", "Савицкий", "Томашевич", "Адамович",
    "Бондарь", "Козлов", "Марченко", "Богданович", "Кравченко", "Рыбак", "Козловский", "Войтович",
    "Казак", "Пашкевич", "Климович", "Левкович", "Демидович", "Гончар", "Шимановский", "Ярошевич",
    "Ткачук", "Сидоренко", "Макаревич", "Янковский", "Радкевич", "Соловьёв", "Морозов", "Волков",
    "Лебедев", "Кузнецов", "Попов", "Васильев", "Петров", "Смирнов", "Михайлов", "Новиков",
    "Фёдоров", "Романов", "Захаров", "Павлов", "Семенчук", "Горбачевский", "Зайцев", "Шпаковский",
    "Мицкевич", "Сапега", "Тарасевич", "Кисель", "Бобр", "Мороз", "Станкевич", "Жданович", "Прокопович",
    "Дубовик", "Ермаков", "Барановский", "Курилович", "Латушко", "Сосновский", "Черняк", "Матусевич",
]  # fmt: skip

MALE_NAMES = [
    "Александр", "Алексей", "Андрей", "Артём", "Владимир", "Дмитрий", "Евгений", "Иван", "Игорь",
    "Максим", "Михаил", "Никита", "Николай", "Павел", "Сергей", "Виктор", "Юрий", "Олег", "Кирилл",
    "Денис", "Вадим", "Станислав", "Тимофей", "Антон", "Роман", "Егор", "Глеб", "Илья", "Василий",
]  # fmt: skip

FEMALE_NAMES = [
    "Анна", "Алина", "Валентина", "Виктория", "Галина", "Дарья", "Екатерина", "Елена", "Ирина",
    "Юлия", "Марина", "Наталья", "Ольга", "Светлана", "Татьяна", "Ксения", "Людмила", "Вероника",
    "Алеся", "Янина", "Анастасия", "Мария", "Полина", "Кристина", "Оксана", "Надежда",
]  # fmt: skip

PATRONYMICS = [  # (masculine, feminine)
    ("Александрович", "Александровна"), ("Алексеевич", "Алексеевна"), ("Андреевич", "Андреевна"),
    ("Владимирович", "Владимировна"), ("Дмитриевич", "Дмитриевна"), ("Евгеньевич", "Евгеньевна"),
    ("Иванович", "Ивановна"), ("Игоревич", "Игоревна"), ("Михайлович", "Михайловна"),
    ("Николаевич", "Николаевна"), ("Павлович", "Павловна"), ("Сергеевич", "Сергеевна"),
    ("Викторович", "Викторовна"), ("Юрьевич", "Юрьевна"), ("Олегович", "Олеговна"),
    ("Петрович", "Петровна"), ("Анатольевич", "Анатольевна"), ("Васильевич", "Васильевна"),
    ("Геннадьевич", "Геннадьевна"), ("Леонидович", "Леонидовна"), ("Степанович", "Степановна"),
]  # fmt: skip

CITIES = [
    ("г. Минск", 40), ("г. Гомель", 8), ("г. Брест", 6), ("г. Гродно", 6), ("г. Витебск", 6),
    ("г. Могилёв", 6), ("г. Борисов", 3), ("г. Пинск", 2), ("г. Барановичи", 3), ("г. Лида", 2),
    ("г. Молодечно", 2), ("г. Солигорск", 2), ("г. Бобруйск", 3), ("г. Новополоцк", 2),
]  # fmt: skip

STREETS = [
    "пр-т Независимости", "ул. Ленина", "ул. Советская", "ул. Космонавтов", "ул. Сурганова",
    "ул. Якуба Коласа", "ул. Янки Купалы", "пр-т Победителей", "ул. Гагарина", "ул. Пушкина",
    "ул. Московская", "ул. Кирова", "ул. Мира", "ул. Садовая", "ул. Молодёжная", "ул. Богдановича",
    "ул. Притыцкого", "ул. Максима Танка", "бул. Шевченко", "ул. Калиновского",
]  # fmt: skip

MAIL_DOMAINS = ["gmail.com", "mail.ru", "yandex.by", "tut.by", "outlook.com"]

# Legal entities: (name, UNP prefix of 8 digits, city, e-mail domain, plan mix by weight)
COMPANIES = [
    ("ООО «Белтехсервис»", "19012345", "г. Минск", "beltechservice.by", {"business-start": 3, "business-pro": 1}),
    ("ОАО «Гомельстройматериалы»", "40001234", "г. Гомель", "gsm-oao.by", {"business-start": 4, "smart": 1}),
    ("ООО «Логистик Плюс»", "19123456", "г. Минск", "logplus.by", {"business-start": 2, "satellite": 2}),
    ("ООО «Гродно Агро Трейд»", "59012345", "г. Гродно", "gat.by", {"business-start": 3, "internet-modem": 1}),
    ("ОАО «Витебскприбор»", "30012345", "г. Витебск", "vitpribor.by", {"business-pro": 1, "business-start": 2,
                                                                       "video": 1}),
]  # fmt: skip

_LATIN = [
    "a", "b", "v", "g", "d", "e", "e", "zh", "z", "i", "y", "k", "l", "m", "n", "o", "p", "r", "s",
    "t", "u", "f", "kh", "ts", "ch", "sh", "shch", "", "y", "", "e", "yu", "ya",
]  # fmt: skip
_TRANSLIT = dict(zip("абвгдеёжзийклмнопрстуфхцчшщъыьэюя", _LATIN, strict=True))


def surname_for(surname: str, female: bool) -> str:
    if not female:
        return surname
    for ending, feminine in (("ский", "ская"), ("цкий", "цкая"), ("ов", "ова"), ("ев", "ева"), ("ёв", "ёва"),
                             ("ин", "ина")):  # fmt: skip
        if surname.endswith(ending):
            return surname[: -len(ending)] + feminine
    return surname


def person(rng: random.Random, *, surname: str | None = None) -> tuple[str, str]:
    """A full name "Фамилия Имя Отчество" and the family's (masculine) surname, for relatives."""
    female = rng.random() < 0.5
    first = rng.choice(FEMALE_NAMES if female else MALE_NAMES)
    patronymic = rng.choice(PATRONYMICS)[1 if female else 0]
    family = surname or rng.choice(SURNAMES)
    return f"{surname_for(family, female)} {first} {patronymic}", family


def translit(text: str) -> str:
    return "".join(_TRANSLIT.get(ch, ch) for ch in text.lower())


def email_for(rng: random.Random, full_name: str, n: int) -> str:
    family, first, *_ = full_name.split()
    return f"{translit(first)}.{translit(family)}{n % 100}@{rng.choice(MAIL_DOMAINS)}"


def address(rng: random.Random) -> str:
    city = rng.choices([c for c, _ in CITIES], weights=[w for _, w in CITIES])[0]
    flat = f", кв. {rng.randint(1, 180)}" if rng.random() < 0.8 else ""
    return f"{city}, {rng.choice(STREETS)}, д. {rng.randint(1, 120)}{flat}"


def unp(prefix8: str) -> str:
    """A UNP with its check digit (weights 29, 23, 19, 17, 13, 7, 5, 3; modulo 11)."""
    for bump in range(100):
        base = f"{int(prefix8) + bump:08d}"
        check = sum(int(d) * w for d, w in zip(base, (29, 23, 19, 17, 13, 7, 5, 3), strict=True)) % 11
        if check != 10:
            return base + str(check)
    raise ValueError(prefix8)
