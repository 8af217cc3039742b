"""Writes the identity catalogues (ru, be) from the table below and compiles them with msgfmt.

Hand-written translations in one reviewable table; run:
``.venv/bin/python issa/locale/identity/tools/build.py``.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

HERE = Path(__file__).resolve().parent.parent

HEADERS = {
    "ru": "nplurals=3; plural=(n%10==1 && n%100!=11 ? 0 : n%10>=2 && n%10<=4 && (n%100<10 || n%100>=20) ? 1 : 2);",
    "be": "nplurals=4; plural=(n%10==1 && n%100!=11 ? 0 : n%10>=2 && n%10<=4 && (n%100<12 || n%100>14) ? 1 : "
    "n%10==0 || (n%10>=5 && n%10<=9) || (n%100>=11 && n%100<=14)? 2 : 3);",
}

# msgid -> (ru, be)
T: dict[str, tuple[str, str]] = {
    # admin
    "Send a temporary password by SMS (must be changed at first login)": (
        "Отправить временный пароль по SMS (сменить при первом входе)",
        "Адправіць часовы пароль па SMS (змяніць пры першым уваходзе)",
    ),
    "Temporary passwords sent: %(n)s": ("Отправлено временных паролей: %(n)s", "Адпраўлена часовых пароляў: %(n)s"),
    "Unlock after too many wrong attempts": (
        "Снять блокировку после неудачных попыток",
        "Зняць блакіроўку пасля няўдалых спроб",
    ),
    "Unlocked.": ("Блокировка снята.", "Блакіроўка знята."),
    "Enable «Регистрация по PUK1» (AUTH-4)": (
        "Подключить «Регистрация по PUK1» (AUTH-4)",
        "Падключыць «Рэгістрацыя па PUK1» (AUTH-4)",
    ),
    "Disable «Регистрация по PUK1» (AUTH-4)": (
        "Отключить «Регистрация по PUK1» (AUTH-4)",
        "Адключыць «Рэгістрацыя па PUK1» (AUTH-4)",
    ),
    "PUK1 registration enabled for %(n)s numbers.": (
        "«Регистрация по PUK1» подключена номерам: %(n)s.",
        "«Рэгістрацыя па PUK1» падключана нумарам: %(n)s.",
    ),
    "PUK1 registration disabled for %(n)s numbers.": (
        "«Регистрация по PUK1» отключена номерам: %(n)s.",
        "«Рэгістрацыя па PUK1» адключана нумарам: %(n)s.",
    ),
    "Your password must be changed: send new_password with the login.": (
        "Пароль нужно сменить: передайте new_password вместе со входом.",
        "Пароль трэба змяніць: перадайце new_password разам з уваходам.",
    ),
    "Identity and access": ("Пользователи и доступ", "Карыстальнікі і доступ"),
    "The session ended after 15 minutes of inactivity. Log in again.": (
        "Сеанс прерван после 15 минут бездействия. Войдите снова.",
        "Сеанс перапынены пасля 15 хвілін бяздзейнасці. Увайдзіце зноў.",
    ),
    # models
    "Mobile subscriber": ("Пользователь мобильной связи", "Карыстальнік мабільнай сувязі"),
    "Home and office user": ("Пользователь для дома и офиса", "Карыстальнік для дома і офіса"),
    "Operator staff": ("Сотрудник оператора", "Супрацоўнік аператара"),
    "login": ("логин", "лагін"),
    "kind": ("вид", "від"),
    "subscriber": ("абонент", "абанент"),
    "full name": ("ФИО", "Прозвішча, імя, імя па бацьку"),
    "e-mail": ("e-mail", "e-mail"),
    "staff status": ("доступ в бэк-офис", "доступ у бэк-офіс"),
    "active": ("активен", "актыўны"),
    "registered in ISSA": ("зарегистрирован в ИССА", "зарэгістраваны ў ІССА"),
    "password changed at": ("пароль изменён", "пароль зменены"),
    "must change password at next login": (
        "сменить пароль при следующем входе",
        "змяніць пароль пры наступным уваходзе",
    ),
    "user": ("пользователь", "карыстальнік"),
    "users": ("пользователи", "карыстальнікі"),
    "Web portal": ("Веб-портал", "Вэб-партал"),
    "API": ("API", "API"),
    "USSD": ("USSD", "USSD"),
    "SMS": ("SMS", "SMS"),
    "Back office": ("Бэк-офис", "Бэк-офіс"),
    "System": ("Система", "Сістэма"),
    "when": ("когда", "калі"),
    "who": ("кто", "хто"),
    "who (as shown)": ("кто (как показан)", "хто (як паказаны)"),
    "on behalf of client": ("от имени клиента", "ад імя кліента"),
    "subscriber concerned": ("абонент", "абанент"),
    "action": ("действие", "дзеянне"),
    "object type": ("тип объекта", "тып аб'екта"),
    "object id": ("id объекта", "id аб'екта"),
    "channel": ("канал", "канал"),
    "IP address": ("IP-адрес", "IP-адрас"),
    "user agent": ("браузер", "браўзер"),
    "outcome": ("результат", "вынік"),
    "details": ("подробности", "падрабязнасці"),
    "audit event": ("событие аудита", "падзея аўдыту"),
    "audit events": ("журнал действий", "журнал дзеянняў"),
    "Registration": ("Регистрация", "Рэгістрацыя"),
    "Password recovery": ("Восстановление пароля", "Аднаўленне пароля"),
    "Login confirmation": ("Подтверждение входа", "Пацвярджэнне ўваходу"),
    "Confirmation of an action": ("Подтверждение действия", "Пацвярджэнне дзеяння"),
    "Waiting for the code": ("Ожидает код", "Чакае код"),
    "Used": ("Использован", "Выкарыстаны"),
    "Replaced by a newer code": ("Заменён новым кодом", "Заменены новым кодам"),
    "Too many wrong tries": ("Слишком много неверных попыток", "Занадта шмат няправільных спроб"),
    "number": ("номер", "нумар"),
    "purpose": ("назначение", "прызначэнне"),
    "state": ("состояние", "стан"),
    "wrong tries": ("неверных попыток", "няправільных спроб"),
    "sent": ("отправлен", "адпраўлены"),
    "False when the number is not served: nothing was sent": (
        "Нет, если номер не обслуживается: ничего не отправлено",
        "Не, калі нумар не абслугоўваецца: нічога не адпраўлена",
    ),
    "requested from": ("запрошен с адреса", "запытаны з адраса"),
    "created at": ("создан", "створаны"),
    "expires at": ("действует до", "дзейнічае да"),
    "used at": ("использован", "выкарыстаны"),
    "one-time code": ("одноразовый код", "аднаразовы код"),
    "one-time codes": ("одноразовые коды", "аднаразовыя коды"),
    "name": ("название", "назва"),
    "begins with": ("начинается с", "пачынаецца з"),
    "last used at": ("последнее использование", "апошняе выкарыстанне"),
    "revoked at": ("отозван", "адкліканы"),
    "created from": ("создан с адреса", "створаны з адраса"),
    "API token": ("ключ доступа приложения", "ключ доступу праграмы"),
    "API tokens": ("ключи доступа приложения", "ключы доступу праграмы"),
    "Awaiting confirmation": ("Ожидает подтверждения", "Чакае пацвярджэння"),
    "Confirmed": ("Подтверждена", "Пацверджана"),
    "Cancelled": ("Аннулирована", "Ануляваная"),
    "Expired": ("Истекла", "Скончылася"),
    "session": ("сеанс", "сеанс"),
    "payload": ("данные", "даныя"),
    "reason": ("причина", "прычына"),
    "closed at": ("закрыта", "закрыта"),
    "pending request": ("незавершённая заявка", "незавершаная заяўка"),
    "pending requests": ("незавершённые заявки", "незавершаныя заяўкі"),
    # services
    "SMS code": ("SMS код", "SMS код"),
    "USSD request *141*0#": ("USSD-запрос *141*0#", "USSD-запыт *141*0#"),
    "PUK1 code of the SIM card": ("PUK1 SIM-карты", "PUK1 SIM-карты"),
    'A user with this phone number is already registered. If you forgot the password, press "Log in" and '
    'follow the link "Forgot password?"': (
        "Пользователь с таким номером телефона уже зарегистрирован. Если вы забыли пароль, нажмите "
        '"Войти в аккаунт" и перейдите по ссылке "Забыли пароль?"',
        "Карыстальнік з такім нумарам тэлефона ўжо зарэгістраваны. Калі вы забылі пароль, націсніце "
        '"Увайсці ў акаўнт" і перайдзіце па спасылцы "Забылі пароль?"',
    ),
    "Wrong phone number or password.": (
        "Неверный номер телефона или пароль.",
        "Няправільны нумар тэлефона або пароль.",
    ),
    "The number or the PUK1 code is wrong, or identification by PUK1 is not enabled for this number.": (
        "Неверный номер или PUK1, либо идентификация по PUK1 для этого номера не подключена.",
        "Няправільны нумар або PUK1, альбо ідэнтыфікацыя па PUK1 для гэтага нумара не падключана.",
    ),
    "The passwords do not match.": ("Пароли не совпадают.", "Паролі не супадаюць."),
    "Choose how to identify the number.": (
        "Выберите способ идентификации номера.",
        "Выберыце спосаб ідэнтыфікацыі нумара.",
    ),
    "You are registered in ISSA. Log in with your number and the password you chose.": (
        "Вы успешно зарегистрированы в ИССА. Входите по номеру телефона и выбранному паролю.",
        "Вы паспяхова зарэгістраваны ў ІССА. Уваходзьце па нумары тэлефона і абраным паролі.",
    ),
    "Your ISSA password was changed. If it was not you, call %(centre)s.": (
        "Пароль ИССА изменён. Если это были не вы, позвоните %(centre)s.",
        "Пароль ІССА зменены. Калі гэта былі не вы, патэлефануйце %(centre)s.",
    ),
    'The temporary password has expired. Press "Forgot password?" to get a new one.': (
        'Срок действия временного пароля истёк. Нажмите "Забыли пароль?", чтобы получить новый.',
        'Тэрмін дзеяння часовага пароля скончыўся. Націсніце "Забылі пароль?", каб атрымаць новы.',
    ),
    "The current password is wrong.": ("Текущий пароль указан неверно.", "Бягучы пароль пазначаны няправільна."),
    "The new password must differ from the current one.": (
        "Новый пароль должен отличаться от текущего.",
        "Новы пароль павінен адрознівацца ад бягучага.",
    ),
    "Your temporary ISSA password: %(password)s. Log in within %(hours)s h and choose your own.": (
        "Временный пароль ИССА: %(password)s. Войдите в течение %(hours)s ч и смените его на свой.",
        "Часовы пароль ІССА: %(password)s. Увайдзіце на працягу %(hours)s гадз і змяніце яго на свой.",
    ),
    "Too many unsuccessful attempts. Try again in %(minutes)s min.": (
        "Слишком много неудачных попыток. Повторите через %(minutes)s мин.",
        "Занадта шмат няўдалых спроб. Паўтарыце праз %(minutes)s хв.",
    ),
    "ISSA login code: %(code)s.": ("Код для входа в ИССА: %(code)s.", "Код для ўваходу ў ІССА: %(code)s."),
    "ISSA password recovery code: %(code)s.": (
        "Код для восстановления пароля ИССА: %(code)s.",
        "Код для аднаўлення пароля ІССА: %(code)s.",
    ),
    "ISSA confirmation code: %(code)s.": ("Код подтверждения ИССА: %(code)s.", "Код пацвярджэння ІССА: %(code)s."),
    "ISSA registration code: %(code)s.": (
        "Код подтверждения для регистрации в ИССА: %(code)s.",
        "Код пацвярджэння для рэгістрацыі ў ІССА: %(code)s.",
    ),
    "Valid %(minutes)s min. Do not tell it to anyone.": (
        "Действует %(minutes)s мин. Никому его не сообщайте.",
        "Дзейнічае %(minutes)s хв. Нікому яго не паведамляйце.",
    ),
    "A new code can be requested in %(seconds)s s.": (
        "Повторно запросить код можно через %(seconds)s с.",
        "Паўторна запытаць код можна праз %(seconds)s с.",
    ),
    "Too many codes were requested for this number today. Try again tomorrow.": (
        "Для этого номера сегодня запрошено слишком много кодов. Попробуйте завтра.",
        "Для гэтага нумара сёння запытана занадта шмат кодаў. Паспрабуйце заўтра.",
    ),
    "The code is wrong or has expired. Request a new code.": (
        "Код неверный или устарел. Запросите новый код.",
        "Код няправільны або састарэў. Запытайце новы код.",
    ),
    "Your session has ended. Log in again.": ("Сеанс завершён. Войдите снова.", "Сеанс завершаны. Увайдзіце зноў."),
    "This request was cancelled because the session ended. Start it again.": (
        "Заявка аннулирована, так как сеанс был прерван. Оформите её заново.",
        "Заяўка ануляваная, бо сеанс быў перапынены. Аформіце яе нанова.",
    ),
    "ISSA password: reply with %(min)s to %(max)s letters or digits.": (
        "Пароль ИССА: ответьте паролем от %(min)s до %(max)s букв или цифр.",
        "Пароль ІССА: адкажыце паролем ад %(min)s да %(max)s літар або лічбаў.",
    ),
    "You are registered in ISSA. An SMS confirms it.": (
        "Вы зарегистрированы в ИССА. Подтверждение придёт по SMS.",
        "Вы зарэгістраваны ў ІССА. Пацвярджэнне прыйдзе па SMS.",
    ),
    "Your ISSA password is changed. An SMS confirms it.": (
        "Пароль ИССА изменён. Подтверждение придёт по SMS.",
        "Пароль ІССА зменены. Пацвярджэнне прыйдзе па SMS.",
    ),
    "The password must be %(min)d to %(max)d characters long.": (
        "Пароль должен содержать от %(min)d до %(max)d символов.",
        "Пароль павінен змяшчаць ад %(min)d да %(max)d сімвалаў.",
    ),
    "The password may contain only letters and digits.": (
        "Пароль может содержать только буквы и цифры.",
        "Пароль можа змяшчаць толькі літары і лічбы.",
    ),
    "%(min)d to %(max)d characters.": ("От %(min)d до %(max)d символов.", "Ад %(min)d да %(max)d сімвалаў."),
    "%(min)d to %(max)d letters or digits.": (
        "От %(min)d до %(max)d букв или цифр.",
        "Ад %(min)d да %(max)d літар або лічбаў.",
    ),
    # portal
    "Password and security": ("Пароль и безопасность", "Пароль і бяспека"),
    "Change the password, see recent logins to the personal account, manage app sign-ins.": (
        "Смена пароля, последние входы в личный кабинет, входы мобильного приложения.",
        "Змена пароля, апошнія ўваходы ў асабісты кабінет, уваходы мабільнай праграмы.",
    ),
    "You have logged out.": ("Вы вышли из личного кабинета.", "Вы выйшлі з асабістага кабінета."),
    "The password is changed. Other sessions and app sign-ins have ended.": (
        "Пароль изменён. Другие сеансы и входы приложения завершены.",
        "Пароль зменены. Іншыя сеансы і ўваходы праграмы завершаны.",
    ),
    "The app sign-in is revoked.": ("Вход приложения отозван.", "Уваход праграмы адкліканы."),
    "A new code has been sent.": ("Новый код отправлен.", "Новы код адпраўлены."),
    "You are registered. Welcome to the personal account!": (
        "Вы зарегистрированы. Добро пожаловать в личный кабинет!",
        "Вы зарэгістраваны. Вітаем у асабістым кабінеце!",
    ),
    "The password is changed. Log in with the new password.": (
        "Пароль изменён. Войдите с новым паролем.",
        "Пароль зменены. Увайдзіце з новым паролем.",
    ),
    "Identification method": ("Способ идентификации", "Спосаб ідэнтыфікацыі"),
    "PUK1 is for the plans «Видеонаблюдение», «Спутниковый мониторинг», internet-only plans and for numbers where "
    "a sales centre enabled «Регистрация по PUK1».": (
        "PUK1 — для тарифных планов «Видеонаблюдение», «Спутниковый мониторинг», тарифных планов для интернета и "
        "для номеров, которым в центре продаж подключили «Регистрация по PUK1».",
        "PUK1 — для тарыфных планаў «Відэаназіранне», «Спадарожнікавы маніторынг», тарыфных планаў для інтэрнэту і "
        "для нумароў, якім у цэнтры продажаў падключылі «Рэгістрацыя па PUK1».",
    ),
    "Send the code again": ("Выслать код повторно", "Даслаць код паўторна"),
    "A new code can be requested in <span data-countdown>%(seconds)s</span> s.": (
        "Повторно запросить код можно через <span data-countdown>%(seconds)s</span> с.",
        "Паўторна запытаць код можна праз <span data-countdown>%(seconds)s</span> с.",
    ),
    "Home": ("Главная", "Галоўная"),
    "Who is signed in": ("Кто вошёл", "Хто ўвайшоў"),
    "Balance": ("Баланс", "Баланс"),
    "Top up": ("Пополнить", "Папоўніць"),
    "Your password (shown only now — write it down or change it):": (
        "Ваш пароль (показан только сейчас — запомните его или смените):",
        "Ваш пароль (паказаны толькі зараз — запомніце яго або змяніце):",
    ),
    "Main menu": ("Главное меню", "Галоўнае меню"),
    "What is in the personal account": ("Разделы личного кабинета", "Раздзелы асабістага кабінета"),
    "Log out": ("Выход", "Выхад"),
    "Log in to account": ("Войти в аккаунт", "Увайсці ў акаўнт"),
    "Login": ("Логин", "Лагін"),
    "Phone number": ("Номер телефона", "Нумар тэлефона"),
    "Password": ("Пароль", "Пароль"),
    "Log in": ("Войти", "Увайсці"),
    "Forgot password?": ("Забыли пароль?", "Забылі пароль?"),
    "No account yet?": ("Ещё нет аккаунта?", "Яшчэ няма акаўнта?"),
    "Register": ("Зарегистрироваться", "Зарэгістравацца"),
    "Confirmation code": ("Код подтверждения", "Код пацвярджэння"),
    "We have sent an SMS with a code to %(masked)s.": (
        "Мы отправили SMS с кодом на номер %(masked)s.",
        "Мы адправілі SMS з кодам на нумар %(masked)s.",
    ),
    "Change password": ("Сменить пароль", "Змяніць пароль"),
    "Your password is temporary or has expired: choose a new one to continue.": (
        "Ваш пароль временный или его срок истёк: задайте новый, чтобы продолжить.",
        "Ваш пароль часовы або яго тэрмін скончыўся: задайце новы, каб працягнуць.",
    ),
    "Current password": ("Текущий пароль", "Бягучы пароль"),
    "New password": ("Новый пароль", "Новы пароль"),
    "New password again": ("Новый пароль ещё раз", "Новы пароль яшчэ раз"),
    "Save the password": ("Сохранить пароль", "Захаваць пароль"),
    "Continue": ("Далее", "Далей"),
    "Number": ("Номер", "Нумар"),
    "change": ("изменить", "змяніць"),
    "If this number is registered, an SMS with a code is on its way.": (
        "Если этот номер зарегистрирован, SMS с кодом уже в пути.",
        "Калі гэты нумар зарэгістраваны, SMS з кодам ужо ў дарозе.",
    ),
    "From %(min)s to %(max)s letters or digits.": (
        "От %(min)s до %(max)s букв или цифр.",
        "Ад %(min)s да %(max)s літар або лічбаў.",
    ),
    "Send code": ("Выслать код", "Даслаць код"),
    "Already registered?": ("Уже зарегистрированы?", "Ужо зарэгістраваны?"),
    "We have sent an SMS with a code to this number. On many phones it is filled in by itself.": (
        "На этот номер отправлено SMS с кодом. На многих телефонах он подставляется автоматически.",
        "На гэты нумар адпраўлена SMS з кодам. На многіх тэлефонах ён падстаўляецца аўтаматычна.",
    ),
    "Password again": ("Пароль ещё раз", "Пароль яшчэ раз"),
    "Choose a password": ("Выберите пароль", "Выберыце пароль"),
    "Let the system choose a password for me": ("Сгенерировать пароль автоматически", "Згенераваць пароль аўтаматычна"),
    "Recent logins": ("Последние входы", "Апошнія ўваходы"),
    "When": ("Когда", "Калі"),
    "What": ("Что", "Што"),
    "Channel": ("Канал", "Канал"),
    "Failed login": ("Неудачный вход", "Няўдалы ўваход"),
    "Signed in": ("Вход", "Уваход"),
    "Logout": ("Выход", "Выхад"),
    "Password changed": ("Пароль изменён", "Пароль зменены"),
    "Password recovered": ("Пароль восстановлен", "Пароль адноўлены"),
    "No logins yet.": ("Входов пока нет.", "Уваходаў пакуль няма."),
    "Sign-ins of the mobile app": ("Входы мобильного приложения", "Уваходы мабільнай праграмы"),
    "created": ("создан", "створаны"),
    "valid until": ("действует до", "дзейнічае да"),
    "Revoke": ("Отозвать", "Адклікаць"),
    "No app is signed in.": ("Приложения не подключены.", "Праграмы не падключаны."),
    "Identification by USSD": ("Идентификация через USSD", "Ідэнтыфікацыя праз USSD"),
    "On the phone with the number %(formatted)s, dial <strong>%(ussd)s</strong> and press call.": (
        "На телефоне с номером %(formatted)s наберите <strong>%(ussd)s</strong> и нажмите вызов.",
        "На тэлефоне з нумарам %(formatted)s набярыце <strong>%(ussd)s</strong> і націсніце выклік.",
    ),
    "In the reply, press «Answer».": (
        "В ответном сообщении нажмите «Ответить».",
        "У адказным паведамленні націсніце «Адказаць».",
    ),
    "Type a password of %(min)s to %(max)s letters or digits and send it.": (
        "Введите пароль от %(min)s до %(max)s символов (буквы или цифры) и отправьте.",
        "Увядзіце пароль ад %(min)s да %(max)s сімвалаў (літары або лічбы) і адпраўце.",
    ),
    "An SMS confirms it. Then log in with your number and this password.": (
        "Придёт SMS об успешной регистрации. Затем войдите по номеру и этому паролю.",
        "Прыйдзе SMS пра паспяховую рэгістрацыю. Потым увайдзіце па нумары і гэтым паролі.",
    ),
}

# (msgid, msgid_plural) -> (ru forms, be forms)
P: dict[tuple[str, str], tuple[tuple[str, ...], tuple[str, ...]]] = {}


def q(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def build(lang: str) -> None:
    index = 0 if lang == "ru" else 1
    lines = [
        f"# ISSA — identity catalogue ({lang}). Generated from tools/build.py; edit the table there.",
        'msgid ""',
        'msgstr ""',
        '"Project-Id-Version: ISSA identity\\n"',
        '"PO-Revision-Date: 2026-11-25 16:00+0000\\n"',
        '"Last-Translator: ISSA identity <identity@issa.example>\\n"',
        f'"Language-Team: {lang}\\n"',
        f'"Language: {lang}\\n"',
        '"MIME-Version: 1.0\\n"',
        '"Content-Type: text/plain; charset=UTF-8\\n"',
        '"Content-Transfer-Encoding: 8bit\\n"',
        f'"Plural-Forms: {HEADERS[lang]}\\n"',
        "",
    ]
    for msgid, pair in T.items():
        lines += [f"msgid {q(msgid)}", f"msgstr {q(pair[index])}", ""]
    for (single, plural), forms in P.items():
        lines += [f"msgid {q(single)}", f"msgid_plural {q(plural)}"]
        lines += [f"msgstr[{n}] {q(form)}" for n, form in enumerate(forms[index])]
        lines.append("")
    target = HERE / lang / "LC_MESSAGES"
    target.mkdir(parents=True, exist_ok=True)
    (target / "django.po").write_text("\n".join(lines), encoding="utf-8")
    compile_cmd = ["msgfmt", "--check", "-o", str(target / "django.mo"), str(target / "django.po")]
    subprocess.run(compile_cmd, check=True)  # noqa: S603 - a developer tool with fixed arguments


if __name__ == "__main__":
    for language in ("ru", "be"):
        build(language)
