# ruff: noqa: E501 - a translation table reads best one message a line
"""Builds this area's ru and be catalogues from the table below (msgid: (ru, be)).

Run: ``python issa/locale/orders/build.py`` then msgfmt (see the brief). Kept by hand: no
makemessages over the project.
"""

from __future__ import annotations

from pathlib import Path

T: dict[str, tuple[str, str]] = {
    "There is no such service.": ("Такой услуги нет.", "Такой паслугі няма."),
    "The service «%(name)s» is not connected.": (
        "Услуга «%(name)s» не подключена.",
        "Паслуга «%(name)s» не падключаная.",
    ),
    "The service «%(name)s» cannot be connected now.": (
        "Услугу «%(name)s» сейчас подключить нельзя.",
        "Паслугу «%(name)s» зараз падключыць нельга.",
    ),
    "The service «%(name)s» is not available on the tariff plan «%(plan)s».": (
        "Услуга «%(name)s» не предоставляется на тарифном плане «%(plan)s».",
        "Паслуга «%(name)s» не прадастаўляецца на тарыфным плане «%(plan)s».",
    ),
    "The service «%(name)s» is already connected.": (
        "Услуга «%(name)s» уже подключена.",
        "Паслуга «%(name)s» ужо падключаная.",
    ),
    "The service «%(name)s» needs «%(other)s» connected first.": (
        "Для услуги «%(name)s» сначала подключите «%(other)s».",
        "Для паслугі «%(name)s» спачатку падключыце «%(other)s».",
    ),
    "The service «%(name)s» cannot be used together with «%(other)s».": (
        "Услугу «%(name)s» нельзя использовать вместе с «%(other)s».",
        "Паслугу «%(name)s» нельга выкарыстоўваць разам з «%(other)s».",
    ),
    "Change of the tariff plan": ("Смена тарифного плана", "Змена тарыфнага плана"),
    "Change of the tariff plan to «%(plan)s»": (
        "Смена тарифного плана на «%(plan)s»",
        "Змена тарыфнага плана на «%(plan)s»",
    ),
    "There is no such tariff plan open for connection.": (
        "Такого тарифного плана, открытого для подключения, нет.",
        "Такога тарыфнага плана, адкрытага для падключэння, няма.",
    ),
    "This is already your tariff plan.": ("Это уже Ваш тарифный план.", "Гэта ўжо Ваш тарыфны план."),
    "The service «%(name)s» is not available on «%(plan)s»: disconnect it first.": (
        "Услуга «%(name)s» не предоставляется на «%(plan)s»: сначала отключите её.",
        "Паслуга «%(name)s» не прадастаўляецца на «%(plan)s»: спачатку адключыце яе.",
    ),
    "Connection of a service": ("Подключение услуги", "Падключэнне паслугі"),
    "Connection of «%(name)s»": ("Подключение «%(name)s»", "Падключэнне «%(name)s»"),
    "The package «%(name)s» is connected: change the package instead.": (
        "Подключён пакет «%(name)s»: смените пакет.",
        "Падключаны пакет «%(name)s»: змяніце пакет.",
    ),
    "Disconnection of a service": ("Отключение услуги", "Адключэнне паслугі"),
    "Disconnection of «%(name)s»": ("Отключение «%(name)s»", "Адключэнне «%(name)s»"),
    "«%(other)s» needs «%(name)s»: disconnect «%(other)s» first.": (
        "Для «%(other)s» нужна «%(name)s»: сначала отключите «%(other)s».",
        "Для «%(other)s» патрэбна «%(name)s»: спачатку адключыце «%(other)s».",
    ),
    "Change of the Mobile Internet package": ("Смена пакета «Мобильный Интернет»", "Змена пакета «Мабільны Інтэрнэт»"),
    "Change of the Mobile Internet package to «%(name)s»": (
        "Смена пакета «Мобильный Интернет» на «%(name)s»",
        "Змена пакета «Мабільны Інтэрнэт» на «%(name)s»",
    ),
    "No Mobile Internet package is connected: connect one.": (
        "Пакет «Мобильный Интернет» не подключён: подключите его.",
        "Пакет «Мабільны Інтэрнэт» не падключаны: падключыце яго.",
    ),
    "The «Любимый номер» service is not offered.": (
        "Услуга «Любимый номер» не предоставляется.",
        "Паслуга «Любімы нумар» не прадастаўляецца.",
    ),
    "«Любимый номер»": ("«Любимый номер»", "«Любімы нумар»"),
    "«Любимый номер»: %(number)s": ("«Любимый номер»: %(number)s", "«Любімы нумар»: %(number)s"),
    "Your own number cannot be your favourite.": (
        "Свой номер нельзя сделать «любимым».",
        "Свой нумар нельга зрабіць «любімым».",
    ),
    "This number is already your favourite.": ("Этот номер уже Ваш «любимый».", "Гэты нумар ужо Ваш «любімы»."),
    "Cancel «Любимый номер»": ("Отмена «Любимого номера»", "Адмена «Любімага нумара»"),
    "The Pause service is not offered.": ("Услуга «Пауза» не предоставляется.", "Паслуга «Паўза» не прадастаўляецца."),
    "Pause": ("Пауза", "Паўза"),
    "Pause is already on.": ("«Пауза» уже подключена.", "«Паўза» ўжо падключаная."),
    "Restore service": ("Восстановление обслуживания", "Аднаўленне абслугоўвання"),
    "Service is not paused.": ("Обслуживание не приостановлено.", "Абслугоўванне не прыпынена."),
    "Service orders": ("Заявки", "Заяўкі"),
    "requires": ("требует", "патрабуе"),
    "excludes": ("исключает", "выключае"),
    "service": ("услуга", "паслуга"),
    "rule": ("правило", "правіла"),
    "other service": ("другая услуга", "іншая паслуга"),
    "service compatibility rule": ("правило совместимости услуг", "правіла сумяшчальнасці паслуг"),
    "service compatibility rules": ("правила совместимости услуг", "правілы сумяшчальнасці паслуг"),
    "tariff plan": ("тарифный план", "тарыфны план"),
    "plan that allows the service": (
        "тарифный план, на котором доступна услуга",
        "тарыфны план, на якім даступная паслуга",
    ),
    "plans that allow the service": (
        "тарифные планы, на которых доступна услуга",
        "тарыфныя планы, на якіх даступная паслуга",
    ),
    "immediately": ("сразу", "адразу"),
    "from the next day": ("со следующего дня", "з наступнага дня"),
    "from the 1st of the next month": ("с 1-го числа следующего месяца", "з 1-га чысла наступнага месяца"),
    "plan change fee, BYN with VAT": (
        "плата за смену тарифного плана, руб. с НДС",
        "плата за змену тарыфнага плана, руб. з ПДВ",
    ),
    "takes effect": ("вступает в силу", "уступае ў сілу"),
    "plan change terms": ("условия перехода на тарифный план", "умовы пераходу на тарыфны план"),
    "Awaiting confirmation": ("Ожидает подтверждения", "Чакае пацвярджэння"),
    "Accepted": ("Принята", "Прынята"),
    "In progress": ("Выполняется", "Выконваецца"),
    "Completed": ("Выполнена", "Выканана"),
    "Failed": ("Не выполнена", "Не выканана"),
    "Cancelled": ("Отменена", "Адменена"),
    "subscriber": ("абонент", "абанент"),
    "action": ("операция", "аперацыя"),
    "parameters": ("параметры", "параметры"),
    "service order": ("заявка", "заяўка"),
    "state": ("состояние", "стан"),
    "one-time price, kopecks": ("разовая стоимость, коп.", "разовы кошт, кап."),
    "channel": ("канал", "канал"),
    "ordered by": ("кто заказал", "хто заказаў"),
    "created": ("создана", "створана"),
    "updated": ("изменена", "зменена"),
    "completed": ("выполнена", "выканана"),
    "attempts": ("попыток", "спроб"),
    "next attempt": ("следующая попытка", "наступная спроба"),
    "last error": ("последняя ошибка", "апошняя памылка"),
    "result": ("результат", "вынік"),
    "service orders": ("заявки", "заяўкі"),
    "simulated network: SIM": ("имитатор сети: SIM", "імітатар сеткі: SIM"),
    "simulated network: SIMs": ("имитатор сети: SIM-карты", "імітатар сеткі: SIM-карты"),
    "Tariff plan and services": ("Операции с ТП и услугами", "Аперацыі з ТП і паслугамі"),
    "Change the tariff plan, connect or disconnect services, Mobile Internet, Pause": (
        "Смена тарифного плана, подключение и отключение услуг, «Мобильный Интернет», «Пауза»",
        "Змена тарыфнага плана, падключэнне і адключэнне паслуг, «Мабільны Інтэрнэт», «Паўза»",
    ),
    "Subscriber's services": ("Услуги абонента", "Паслугі абанента"),
    "Plan operations": ("Операции с ТП", "Аперацыі з ТП"),
    "Mobile Internet": ("Мобильный Интернет", "Мабільны Інтэрнэт"),
    "«Любимый» number": ("«Любимый» номер", "«Любімы» нумар"),
    "The order is accepted. Changes take effect within 24 hours.": (
        "Заявка принята. Изменения вступят в силу в течение 24 часов.",
        "Заяўка прынята. Змены ўступяць у сілу на працягу 24 гадзін.",
    ),
    "There is no such operation.": ("Такой операции нет.", "Такой аперацыі няма."),
    "Service is suspended at your request (Pause). Restore it first.": (
        "Обслуживание приостановлено по Вашей инициативе («Пауза»). Сначала восстановите его.",
        "Абслугоўванне прыпынена па Вашай ініцыятыве («Паўза»). Спачатку аднавіце яго.",
    ),
    "Service is suspended at the client's request: orders are not accepted.": (
        "Обслуживание приостановлено по инициативе клиента: заявки не принимаются.",
        "Абслугоўванне прыпынена па ініцыятыве кліента: заяўкі не прымаюцца.",
    ),
    "Service is suspended by the operator: orders are not accepted.": (
        "Обслуживание приостановлено по инициативе компании: заявки не принимаются.",
        "Абслугоўванне прыпынена па ініцыятыве кампаніі: заяўкі не прымаюцца.",
    ),
    "The number is closed: orders are not accepted.": (
        "Номер закрыт: заявки не принимаются.",
        "Нумар закрыты: заяўкі не прымаюцца.",
    ),
    "Not enough money on the balance: the order costs %(price)s, the balance is %(balance)s.": (
        "Недостаточно средств на балансе: стоимость заявки %(price)s, баланс %(balance)s",
        "Недастаткова сродкаў на балансе: кошт заяўкі %(price)s, баланс %(balance)s",
    ),
    "A similar order is already in progress. Wait until it is completed.": (
        "Такая заявка уже выполняется. Дождитесь её завершения.",
        "Такая заяўка ўжо выконваецца. Дачакайцеся яе завяршэння.",
    ),
    "This order is not awaiting confirmation.": (
        "Эта заявка не ожидает подтверждения.",
        "Гэтая заяўка не чакае пацвярджэння.",
    ),
    "This order can no longer be cancelled.": ("Эту заявку уже нельзя отменить.", "Гэтую заяўку ўжо нельга адмяніць."),
    "Attempt %(n)s": ("Попытка %(n)s", "Спроба %(n)s"),
    "Network did not answer; next attempt at %(at)s": (
        "Сеть не ответила; следующая попытка в %(at)s",
        "Сетка не адказала; наступная спроба ў %(at)s",
    ),
    "Order «%(title)s» was not completed: %(reason)s": (
        "Заявка «%(title)s» не выполнена: %(reason)s",
        "Заяўка «%(title)s» не выканана: %(reason)s",
    ),
    "State": ("Состояние", "Стан"),
    "Too many attempts": ("Слишком много попыток", "Занадта шмат спроб"),
    "Change to «%(name)s»": ("Перейти на «%(name)s»", "Перайсці на «%(name)s»"),
    "Service is suspended at your initiative": (
        "Обслуживание приостановлено по Вашей инициативе",
        "Абслугоўванне прыпынена па Вашай ініцыятыве",
    ),
    "Orders in progress": ("Заявки в работе", "Заяўкі ў рабоце"),
    "Compare tariff plans": ("Сравнение тарифных планов", "Параўнанне тарыфных планаў"),
    "your plan": ("ваш тариф", "ваш тарыф"),
    "Subscription fee": ("Абонентская плата", "Абаненцкая плата"),
    "a day": ("в сутки", "за суткі"),
    "a month": ("в месяц", "у месяц"),
    "Plan change fee": ("Плата за переход", "Плата за пераход"),
    "Included": ("Включено", "Уключана"),
    "Back to the plans": ("К списку тарифов", "Да спіса тарыфаў"),
    "Leave an order to assign or change your «Любимый» number. Many tariff plans do not offer this service.": (
        "Вы можете оставить заявку на назначение/смену «любимого» номера. На многих тарифных планах данная услуга может не предоставляться.",
        "Вы можаце пакінуць заяўку на прызначэнне/змену «любімага» нумара. На многіх тарыфных планах гэтая паслуга можа не прадастаўляцца.",
    ),
    "The tariff plan «%(plan)s» does not offer the «Любимый» number.": (
        "На тарифном плане «%(plan)s» услуга «Любимый номер» не предоставляется.",
        "На тарыфным плане «%(plan)s» паслуга «Любімы нумар» не прадастаўляецца.",
    ),
    "Ask the help service at %(phone)s.": (
        "Для уточнения обращайтесь в справку по номеру %(phone)s.",
        "Для ўдакладнення звяртайцеся ў даведку па нумары %(phone)s.",
    ),
    "Your «Любимый» number": ("Ваш «любимый» номер", "Ваш «любімы» нумар"),
    "Number": ("Номер", "Нумар"),
    "To pay now": ("К оплате сейчас", "Да аплаты зараз"),
    "What it gives": ("Что даёт услуга", "Што дае паслуга"),
    "Order not completed": ("Заявка не выполнена", "Заяўка не выканана"),
    "Change the number": ("Сменить номер", "Змяніць нумар"),
    "Assign": ("Назначить", "Прызначыць"),
    "Cancel the «Любимый» number": ("Отменить «любимый» номер", "Адмяніць «любімы» нумар"),
    "Connect or disconnect Mobile Internet, or change the package you have.": (
        "В разделе можно подключить/отключить услугу «Мобильный Интернет» или изменить действующий пакет услуги.",
        "У раздзеле можна падключыць/адключыць паслугу «Мабільны Інтэрнэт» або змяніць дзейны пакет паслугі.",
    ),
    "Your package: <strong>%(name)s</strong>.": (
        "Ваш пакет: <strong>%(name)s</strong>.",
        "Ваш пакет: <strong>%(name)s</strong>.",
    ),
    "connected": ("подключена", "падключаная"),
    "Disconnect": ("Отключить", "Адключыць"),
    "Change to this package": ("Перейти на этот пакет", "Перайсці на гэты пакет"),
    "Connect": ("Подключить", "Падключыць"),
    "Mobile Internet packages are not offered now.": (
        "Пакеты «Мобильный Интернет» сейчас не предлагаются.",
        "Пакеты «Мабільны Інтэрнэт» зараз не прапануюцца.",
    ),
    "Service order": ("Заявка", "Заяўка"),
    "Confirm the order. Changes take effect within 24 hours.": (
        "Подтвердите заявку. Изменения вступят в силу в течение 24 часов.",
        "Пацвердзіце заяўку. Змены ўступяць у сілу на працягу 24 гадзін.",
    ),
    "Confirm": ("Подтвердить", "Пацвердзіць"),
    "Cancel": ("Отмена", "Адмена"),
    "Cancel the order": ("Отменить заявку", "Адмяніць заяўку"),
    "All orders": ("Все заявки", "Усе заяўкі"),
    "Date": ("Дата", "Дата"),
    "You have no orders yet.": ("У Вас пока нет заявок.", "У Вас пакуль няма заявак."),
    "Here you can suspend all mobile services for a while (the «Пауза» service) and restore them.": (
        "Данный раздел позволяет временно приостанавливать пользование всеми услугами мобильной связи, т.е. подключать и отключать дополнительную услугу «Пауза».",
        "Гэты раздзел дазваляе часова прыпыняць карыстанне ўсімі паслугамі мабільнай сувязі, г.зн. падключаць і адключаць дадатковую паслугу «Паўза».",
    ),
    "On the day Pause starts, the daily fees of the plan and services are charged in full.": (
        "За день подключения услуги списывается абонентская плата тарифного плана и дополнительных услуг с ежедневным списанием согласно тарифному плану абонента без учета услуги «Пауза».",
        "За дзень падключэння паслугі спісваецца абаненцкая плата тарыфнага плана і дадатковых паслуг з штодзённым спісаннем паводле тарыфнага плана абанента без уліку паслугі «Паўза».",
    ),
    "From the next day, half of the plan's subscription fee is charged (half of the discounted fee where there is a discount).": (
        "Начиная со дня, следующего за днем подключения услуги, взимается 50% абонентской платы тарифного плана. Если на абонентскую плату тарифного плана предоставляется скидка — взимается 50% абонентской платы со скидкой.",
        "Пачынаючы з дня, наступнага за днём падключэння паслугі, спаганяецца 50% абаненцкай платы тарыфнага плана. Калі на абаненцкую плату прадастаўляецца зніжка — спаганяецца 50% абаненцкай платы са зніжкай.",
    ),
    "No fee for additional services from the day after Pause starts.": (
        "Абонентская плата дополнительных услуг в «Паузе» не взимается со дня, следующего за днем подключения услуги «Пауза».",
        "Абаненцкая плата дадатковых паслуг у «Паўзе» не спаганяецца з дня, наступнага за днём падключэння паслугі «Паўза».",
    ),
    "Restore": ("Восстановить", "Аднавіць"),
    "Calls, messages, data": ("Связь", "Сувязь"),
    "Price per unit": ("Цена за единицу", "Цана за адзінку"),
    "incoming": ("входящие", "уваходныя"),
    "Your tariff plan: <strong>%(plan)s</strong>. Here you can change it; the descriptions of every plan are below.": (
        "Ваш тарифный план: <strong>%(plan)s</strong>. Здесь его можно изменить; ниже — описания всех тарифных планов.",
        "Ваш тарыфны план: <strong>%(plan)s</strong>. Тут яго можна змяніць; ніжэй — апісанні ўсіх тарыфных планаў.",
    ),
    "Description": ("Описание", "Апісанне"),
    "Compare the chosen plans": ("Сравнить выбранные тарифы", "Параўнаць выбраныя тарыфы"),
    "Connected additional services; you may connect and disconnect others where your tariff plan allows them.": (
        "Список подключенных дополнительных услуг. Здесь Вы можете самостоятельно подключить и отключить другие услуги (если их использование предусмотрено Вашим тарифным планом).",
        "Спіс падключаных дадатковых паслуг. Тут Вы можаце самастойна падключыць і адключыць іншыя паслугі (калі іх выкарыстанне прадугледжана Вашым тарыфным планам).",
    ),
    "Connected services": ("Подключенные услуги", "Падключаныя паслугі"),
    "Service": ("Услуга", "Паслуга"),
    "Since": ("С", "З"),
    "No additional services are connected.": (
        "Дополнительные услуги не подключены.",
        "Дадатковыя паслугі не падключаны.",
    ),
    "Services you may connect": ("Услуги, которые можно подключить", "Паслугі, якія можна падключыць"),
    "No other services can be connected now.": (
        "Других услуг для подключения сейчас нет.",
        "Іншых паслуг для падключэння зараз няма.",
    ),
}

HEADER = {
    "ru": "Plural-Forms: nplurals=3; plural=(n%10==1 && n%100!=11 ? 0 : n%10>=2 && n%10<=4 && (n%100<10 || n%100>=20) ? 1 : 2);",
    "be": "Plural-Forms: nplurals=3; plural=(n%10==1 && n%100!=11 ? 0 : n%10>=2 && n%10<=4 && (n%100<10 || n%100>=20) ? 1 : 2);",
}


def quote(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def build() -> None:
    here = Path(__file__).parent
    for index, lang in enumerate(("ru", "be")):
        lines = [
            "# ISSA orders area (issue 8): tariff plans, services, orders.",
            'msgid ""',
            'msgstr ""',
            '"Project-Id-Version: ISSA\\n"',
            f'"Language: {lang}\\n"',
            '"MIME-Version: 1.0\\n"',
            '"Content-Type: text/plain; charset=UTF-8\\n"',
            '"Content-Transfer-Encoding: 8bit\\n"',
            f'"{HEADER[lang]}\\n"',
            "",
        ]
        for msgid, pair in T.items():
            if "%(" in msgid:
                lines.append("#, python-format")
            lines += [f"msgid {quote(msgid)}", f"msgstr {quote(pair[index])}", ""]
        target = here / lang / "LC_MESSAGES"
        target.mkdir(parents=True, exist_ok=True)
        (target / "django.po").write_text("\n".join(lines), encoding="utf-8")


if __name__ == "__main__":
    build()
