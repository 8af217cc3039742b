# ruff: noqa: E501 - a translation table reads best one message a line
"""Builds the numbering area's ru and be catalogues from the table below (msgid: (ru, be)).

Run from the repository root: ``.venv/bin/python issa/locale/numbering/build.py`` — it writes
the .po files and compiles them with msgfmt. ``extract.py`` lists the msgids of the area's files;
a test checks that every one of them is in this table. Kept by hand: no makemessages.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

T: dict[str, tuple[str, str]] = {
    # models
    "number": ("номер", "нумар"),
    "state": ("состояние", "стан"),
    "reserved until": ("зарезервирован до", "зарэзерваваны да"),
    "order": ("заявка", "заяўка"),
    "in quarantine until": ("в карантине до", "у карантыне да"),
    "state changed at": ("состояние изменено", "стан зменены"),
    "pool number": ("номер пула", "нумар пула"),
    "number pool": ("пул номеров", "пул нумароў"),
    "Number pool": ("Пул номеров", "Пул нумароў"),
    "from": ("с", "з"),
    "until": ("по", "па"),
    "number assignment": ("закрепление номера", "замацаванне нумара"),
    "number assignments": ("история номеров", "гісторыя нумароў"),
    "Free": ("Свободен", "Вольны"),
    "Reserved": ("Зарезервирован", "Зарэзерваваны"),
    "Assigned": ("Выдан абоненту", "Выдадзены абаненту"),
    "Quarantine": ("Карантин", "Карантын"),
    "category": ("категория", "катэгорыя"),
    "reserved for / assigned to": ("зарезервирован для / выдан", "зарэзерваваны для / выдадзены"),
    "subscriber": ("абонент", "абанент"),
    # the mask and the pool
    'Enter a mask of 7 characters (the number without the operator code), 9 (with the operator code) or 12 (with 375): digits and "%" for any digit, for example 29%%%%777.': (
        "Введите маску из 7 знаков (номер без кода оператора), 9 (с кодом оператора) или 12 (с 375): цифры и «%» вместо любой цифры, например 29%%%%777.",
        "Увядзіце маску з 7 знакаў (нумар без кода аператара), 9 (з кодам аператара) або 12 (з 375): лічбы і «%» замест любой лічбы, напрыклад 29%%%%777.",
    ),
    "Fix at least one digit of the mask, or pick a category.": (
        "Укажите в маске хотя бы одну цифру или выберите категорию.",
        "Пазначце ў масцы хаця б адну лічбу або выберыце катэгорыю.",
    ),
    "This number has just been taken by someone else. Please choose another one.": (
        "Этот номер только что занял другой абонент. Пожалуйста, выберите другой.",
        "Гэты нумар толькі што заняў іншы абанент. Калі ласка, выберыце іншы.",
    ),
    "Your reservation of this number has ended. Choose the number again.": (
        "Резерв этого номера за Вами закончился. Выберите номер ещё раз.",
        "Рэзерв гэтага нумара за Вамі скончыўся. Выберыце нумар яшчэ раз.",
    ),
    "Orders are not accepted while service on the number is suspended.": (
        "Заявки не принимаются, пока обслуживание номера приостановлено.",
        "Заяўкі не прымаюцца, пакуль абслугоўванне нумара прыпынена.",
    ),
    "This is already your number.": ("Это уже Ваш номер.", "Гэта ўжо Ваш нумар."),
    "The catalogue has no number categories.": (
        "В каталоге нет категорий номеров.",
        "У каталогу няма катэгорый нумароў.",
    ),
    "This number is not offered.": ("Этот номер не предлагается.", "Гэты нумар не прапануецца."),
    # forwarding, voicemail, settings
    "Always (unconditional)": ("Всегда (безусловная)", "Заўсёды (безумоўная)"),
    "When busy": ("Если занято", "Калі занята"),
    "When there is no answer": ("Если нет ответа", "Калі няма адказу"),
    "When unreachable": ("Если недоступен", "Калі недаступны"),
    "Mobile Internet": ("Мобильный Интернет", "Мабільны Інтэрнэт"),
    "Streaming video": ("Потоковое видео", "Струменевае відэа"),
    "This service is not available.": ("Эта услуга недоступна.", "Гэтая паслуга недаступная."),
    "Choose when calls are forwarded.": ("Выберите условие переадресации.", "Выберыце ўмову пераадрасацыі."),
    "Calls cannot be forwarded to the same number.": (
        "Нельзя переадресовать звонки на тот же номер.",
        "Нельга пераадрасаваць званкі на той жа нумар.",
    ),
    "Calls can be forwarded only to a mobile or a fixed-line number.": (
        "Переадресовать звонки можно только на мобильный или городской номер.",
        "Пераадрасаваць званкі можна толькі на мабільны або гарадскі нумар.",
    ),
    "Choose the settings to receive: Mobile Internet, MMS or streaming video.": (
        "Выберите настройки: «Мобильный Интернет», MMS или потоковое видео.",
        "Выберыце налады: «Мабільны Інтэрнэт», MMS або струменевае відэа.",
    ),
    "Settings for %(what)s. %(params)s": (
        "Настройки для услуги %(what)s. %(params)s",
        "Налады для паслугі %(what)s. %(params)s",
    ),
    "Enter a valid phone number, for example +375 17 123-45-67.": (
        "Введите правильный номер телефона, например +375 17 123-45-67.",
        "Увядзіце правільны нумар тэлефона, напрыклад +375 17 123-45-67.",
    ),
    "Enter a valid e-mail address, for example name@example.com.": (
        "Введите правильный адрес электронной почты, например name@example.com.",
        "Увядзіце правільны адрас электроннай пошты, напрыклад name@example.com.",
    ),
    # order titles
    "Change of the number": ("Смена номера", "Змена нумара"),
    "Change of the number to %(number)s": ("Смена номера на %(number)s", "Змена нумара на %(number)s"),
    "Your number is now %(new)s. Your ISSA login is the new number; the password is the same.": (
        "Ваш номер теперь %(new)s. Логин в ИССА — новый номер, пароль прежний.",
        "Ваш нумар цяпер %(new)s. Лагін у ІССА — новы нумар, пароль ранейшы.",
    ),
    "The service «%(name)s» is not available on the tariff plan «%(plan)s».": (
        "Услуга «%(name)s» не предоставляется на тарифном плане «%(plan)s».",
        "Паслуга «%(name)s» не прадастаўляецца на тарыфным плане «%(plan)s».",
    ),
    "The service «%(name)s» is not connected.": (
        "Услуга «%(name)s» не подключена.",
        "Паслуга «%(name)s» не падключаная.",
    ),
    "Call forwarding": ("Переадресация звонков", "Пераадрасацыя званкоў"),
    "Call forwarding %(condition)s to %(number)s": (
        "Переадресация звонков (%(condition)s) на %(number)s",
        "Пераадрасацыя званкоў (%(condition)s) на %(number)s",
    ),
    "Cancel call forwarding": ("Отмена переадресации", "Адмена пераадрасацыі"),
    "Cancel all call forwarding": ("Отмена всех переадресаций", "Адмена ўсіх пераадрасацый"),
    "Cancel call forwarding %(condition)s": (
        "Отмена переадресации (%(condition)s)",
        "Адмена пераадрасацыі (%(condition)s)",
    ),
    "Calls are already forwarded there on this condition.": (
        "По этому условию звонки уже переадресуются на этот номер.",
        "Па гэтай умове званкі ўжо пераадрасуюцца на гэты нумар.",
    ),
    "Call forwarding is not set on this condition.": (
        "Переадресация по этому условию не установлена.",
        "Пераадрасацыя па гэтай умове не ўсталяваная.",
    ),
    "Connection of voicemail «Плюс»": ("Подключение голосовой почты «Плюс»", "Падключэнне галасавой пошты «Плюс»"),
    "Disconnection of voicemail «Плюс»": ("Отключение голосовой почты «Плюс»", "Адключэнне галасавой пошты «Плюс»"),
    "E-mail for copies of voice messages": (
        "Электронный адрес для дублирования голосовых сообщений",
        "Электронны адрас для дубліравання галасавых паведамленняў",
    ),
    "Stop copies of voice messages by e-mail": (
        "Отмена дублирования голосовых сообщений на e-mail",
        "Адмена дубліравання галасавых паведамленняў на e-mail",
    ),
    "Copies of voice messages to %(email)s": (
        "Дублирование голосовых сообщений на %(email)s",
        "Дубліраванне галасавых паведамленняў на %(email)s",
    ),
    "Copies of voice messages": ("Копии голосовых сообщений", "Копіі галасавых паведамленняў"),
    "Copies of the voice messages left for %(number)s will come to this address. If you did not ask for it, call %(centre)s.": (
        "Копии голосовых сообщений для номера %(number)s будут приходить на этот адрес. Если Вы этого не заказывали, позвоните по номеру %(centre)s.",
        "Копіі галасавых паведамленняў для нумара %(number)s будуць прыходзіць на гэты адрас. Калі Вы гэтага не заказвалі, патэлефануйце па нумары %(centre)s.",
    ),
    "Copies already go to this address.": ("Копии уже приходят на этот адрес.", "Копіі ўжо прыходзяць на гэты адрас."),
    "No address for copies is set.": ("Адрес для копий не установлен.", "Адрас для копій не ўсталяваны."),
    "Phone settings by SMS": ("Настройки телефона по SMS", "Налады тэлефона па SMS"),
    "Phone settings by SMS: %(what)s": ("Настройки телефона по SMS: %(what)s", "Налады тэлефона па SMS: %(what)s"),
    # portal
    "Number change": ("Смена номера", "Змена нумара"),
    "Phone settings": ("Настройки телефона", "Налады тэлефона"),
    "Voicemail": ("Голосовая почта", "Галасавая пошта"),
    "The number %(number)s is reserved for you for %(minutes)s minutes.": (
        "Номер %(number)s зарезервирован за Вами на %(minutes)s мин.",
        "Нумар %(number)s зарэзерваваны за Вамі на %(minutes)s хв.",
    ),
    "Numbers found": ("Найденные номера", "Знойдзеныя нумары"),
    "Offered numbers": ("Предлагаемые номера", "Прапанаваныя нумары"),
    "Number": ("Номер", "Нумар"),
    "Category": ("Категория", "Катэгорыя"),
    "Price": ("Стоимость", "Кошт"),
    "Choose": ("Выбрать", "Выбраць"),
    "Choose %(n)s": ("Выбрать %(n)s", "Выбраць %(n)s"),
    "Pages": ("Страницы", "Старонкі"),
    "Previous": ("Назад", "Назад"),
    "Next": ("Далее", "Далей"),
    "Page %(n)s of %(total)s": ("Страница %(n)s из %(total)s", "Старонка %(n)s з %(total)s"),
    "No free numbers match. Try another mask or category.": (
        "Свободных номеров не найдено. Попробуйте другую маску или категорию.",
        "Вольных нумароў не знойдзена. Паспрабуйце іншую маску або катэгорыю.",
    ),
    "Here you can pick a number from the offered ones, or find one by mask or category, and leave an order to change your number.": (
        "В этом разделе Вы можете выбрать номер из списка предлагаемых, либо подобрать номер посредством маски или типа, а также оставить заявку на смену номера.",
        "У гэтым раздзеле Вы можаце выбраць нумар са спіса прапанаваных або падабраць нумар з дапамогай маскі ці тыпу, а таксама пакінуць заяўку на змену нумара.",
    ),
    "Your number": ("Ваш номер", "Ваш нумар"),
    "Reserved for you": ("Зарезервирован за Вами", "Зарэзерваваны за Вамі"),
    "The number is held for you until %(until)s. Leave the order before then, or someone else may take it.": (
        "Номер закреплён за Вами до %(until)s. Оставьте заявку до этого времени, иначе номер может выбрать другой абонент.",
        "Нумар замацаваны за Вамі да %(until)s. Пакіньце заяўку да гэтага часу, інакш нумар можа выбраць іншы абанент.",
    ),
    "Leave an order to change the number": ("Оставить заявку на смену номера", "Пакінуць заяўку на змену нумара"),
    "Give up the number": ("Отказаться от номера", "Адмовіцца ад нумара"),
    "Your present number will be given to nobody else for %(days)s days after the change.": (
        "Ваш нынешний номер не будет выдан другому абоненту в течение %(days)s дней после смены.",
        "Ваш цяперашні нумар не будзе выдадзены іншаму абаненту на працягу %(days)s дзён пасля змены.",
    ),
    "Find a number": ("Подбор номера", "Падбор нумара"),
    "Number mask": ("Маска номера", "Маска нумара"),
    # ledger reasons («основание»), issa.core.texts.operator_text
    "Number %(number)s (%(category)s)": ("Номер %(number)s (%(category)s)", "Нумар %(number)s (%(category)s)"),
    "%(name)s: connection fee": ("%(name)s: плата за подключение", "%(name)s: плата за падключэнне"),
    "In the mask, «%(any)s» stands for any digit: 7 characters for the number without the operator code, 9 with it (for example %(example)s).": (
        "В маске «%(any)s» используется для цифр, выбор которых может быть произвольным: 7 знаков — номер без кода оператора, 9 — с кодом (например %(example)s).",
        "У масцы «%(any)s» выкарыстоўваецца для лічбаў, выбар якіх можа быць адвольным: 7 знакаў — нумар без кода аператара, 9 — з кодам (напрыклад %(example)s).",
    ),
    "Number category": ("Категория номера", "Катэгорыя нумара"),
    "Any category": ("Любая категория", "Любая катэгорыя"),
    "Find": ("Подобрать", "Падабраць"),
    "Number categories and prices": ("Категории номеров и стоимость", "Катэгорыі нумароў і кошт"),
    "The price of the number's category is charged once, when the number is changed.": (
        "Стоимость категории номера списывается один раз, при смене номера.",
        "Кошт катэгорыі нумара спісваецца адзін раз, пры змене нумара.",
    ),
    "Here you can set or cancel call forwarding on a condition or unconditional.": (
        "В данном разделе можно установить/отменить переадресацию по заданному условию или безусловную.",
        "У дадзеным раздзеле можна ўсталяваць/адмяніць пераадрасацыю па зададзенай умове або безумоўную.",
    ),
    "«Call forwarding» sends incoming calls to another phone number: a mobile number or a fixed-line one.": (
        "«Переадресация звонков» — это услуга, которая позволяет перенаправлять входящие звонки на другой телефонный номер. Номера телефонов, на которые перенаправляются звонки, могут быть как номерами мобильных телефонов, так и фиксированной сети.",
        "«Пераадрасацыя званкоў» — гэта паслуга, якая дазваляе перанакіроўваць уваходныя званкі на іншы тэлефонны нумар: мабільны або фіксаванай сеткі.",
    ),
    "Forwarding now": ("Установленная переадресация", "Усталяваная пераадрасацыя"),
    "Condition": ("Условие", "Умова"),
    "Cancel": ("Отменить", "Адмяніць"),
    "Cancel all forwarding": ("Отменить всю переадресацию", "Адмяніць усю пераадрасацыю"),
    "Set forwarding": ("Установить переадресацию", "Усталяваць пераадрасацыю"),
    "Forward to the number": ("Переадресовать на номер", "Пераадрасаваць на нумар"),
    "Set": ("Установить", "Усталяваць"),
    "Here you can get the phone settings for «Мобильный Интернет», MMS and streaming video.": (
        "В данном разделе Вы можете получить настройки мобильного телефона для работы с услугами «Мобильный Интернет», MMS, потокового видео.",
        "У дадзеным раздзеле Вы можаце атрымаць налады мабільнага тэлефона для працы з паслугамі «Мабільны Інтэрнэт», MMS, струменевага відэа.",
    ),
    "Settings for": ("Настройки для", "Налады для"),
    "After you choose and press «Next», the settings are sent to your mobile phone.": (
        "После выбора интересующего Вас пункта и нажатия кнопки «Далее» настройки будут отправлены на Ваш сотовый телефон.",
        "Пасля выбару патрэбнага пункта і націскання кнопкі «Далей» налады будуць адпраўлены на Ваш мабільны тэлефон.",
    ),
    "*The phone must support automatic configuration; otherwise use the manual on the operator's website.": (
        "*Телефон должен поддерживать автоматическую настройку, иначе воспользуйтесь руководством, представленным на сайте оператора.",
        "*Тэлефон павінен падтрымліваць аўтаматычную наладу, інакш скарыстайцеся кіраўніцтвам на сайце аператара.",
    ),
    "Voicemail (package «Плюс»)": ("Голосовая почта (пакет «Плюс»)", "Галасавая пошта (пакет «Плюс»)"),
    "Here you can connect or disconnect the voicemail package «Плюс», and set or cancel an e-mail address that gets a copy of every message left in your voice mailbox.": (
        "Данный раздел позволяет подключить/отключить пакет голосовой почты «Плюс», а также установить/отменить электронный адрес для дублирования сообщений, поступающих в голосовой ящик.",
        "Дадзены раздзел дазваляе падключыць/адключыць пакет галасавой пошты «Плюс», а таксама ўсталяваць/адмяніць электронны адрас для дубліравання паведамленняў, якія паступаюць у галасавую скрыню.",
    ),
    "The package is not offered now.": ("Пакет сейчас не предоставляется.", "Пакет зараз не прадастаўляецца."),
    "The package «Плюс» is connected.": ("Пакет «Плюс» подключён.", "Пакет «Плюс» падключаны."),
    "The package «Плюс» is not connected.": ("Пакет «Плюс» не подключён.", "Пакет «Плюс» не падключаны."),
    "Copies of messages by e-mail": ("Дублирование сообщений на e-mail", "Дубліраванне паведамленняў на e-mail"),
    "Copies go to": ("Копии приходят на", "Копіі прыходзяць на"),
    "Stop sending copies": ("Отменить дублирование", "Адмяніць дубліраванне"),
    "E-mail address": ("Электронный адрес", "Электронны адрас"),
    "Change the address": ("Изменить адрес", "Змяніць адрас"),
    "Set the address": ("Установить адрес", "Усталяваць адрас"),
    "Disconnect the package": ("Отключить пакет", "Адключыць пакет"),
    "To pay now": ("К оплате сейчас", "Да аплаты зараз"),
    "Connect": ("Подключить", "Падключыць"),
    "No number is reserved.": ("Номер не зарезервирован.", "Нумар не зарэзерваваны."),
    # identity.user_login_change
    "The new login is not valid.": ("Новый логин недопустим.", "Новы лагін недапушчальны."),
    "This login is already in use.": ("Этот логин уже занят.", "Гэты лагін ужо заняты."),
}

PLURAL = "Plural-Forms: nplurals=3; plural=(n%10==1 && n%100!=11 ? 0 : n%10>=2 && n%10<=4 && (n%100<10 || n%100>=20) ? 1 : 2);"


def quote(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def build() -> None:
    here = Path(__file__).parent
    for index, lang in enumerate(("ru", "be")):
        lines = [
            "# ISSA numbering area (issue 8 part B): number change, forwarding, voicemail, phone settings.",
            'msgid ""',
            'msgstr ""',
            '"Project-Id-Version: ISSA\\n"',
            f'"Language: {lang}\\n"',
            '"MIME-Version: 1.0\\n"',
            '"Content-Type: text/plain; charset=UTF-8\\n"',
            '"Content-Transfer-Encoding: 8bit\\n"',
            f'"{PLURAL}\\n"',
            "",
        ]
        for msgid, pair in T.items():
            if "%(" in msgid:
                lines.append("#, python-format")
            lines += [f"msgid {quote(msgid)}", f"msgstr {quote(pair[index])}", ""]
        target = here / lang / "LC_MESSAGES"
        target.mkdir(parents=True, exist_ok=True)
        po = target / "django.po"
        po.write_text("\n".join(lines), encoding="utf-8")
        subprocess.run(["msgfmt", "--check-format", "-o", str(target / "django.mo"), str(po)], check=True)  # noqa: S603, S607


if __name__ == "__main__":
    build()
