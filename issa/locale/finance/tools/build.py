"""Writes the finance catalogues (ru, be) from the table below and compiles them with msgfmt.

Hand-written translations in one reviewable table; run:
``.venv/bin/python issa/locale/finance/tools/build.py``. ``--check DIR`` compares the table with a
catalogue extracted from the finance sources (``django-admin makemessages`` in a copy) and lists
msgids missing here.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent.parent

HEADERS = {
    "ru": "nplurals=3; plural=(n%10==1 && n%100!=11 ? 0 : n%10>=2 && n%10<=4 && (n%100<10 || n%100>=20) ? 1 : 2);",
    "be": "nplurals=4; plural=(n%10==1 && n%100!=11 ? 0 : n%10>=2 && n%10<=4 && (n%100<12 || n%100>14) ? 1 : "
    "n%10==0 || (n%10>=5 && n%10<=9) || (n%100>=11 && n%100<=14)? 2 : 3);",
}

SALES_CENTRE = (
    "A refund is not possible here. Please contact a velcom sales centre (if the erroneous payment was credited to "
    "a velcom/ПРИВЕТ number) or a sales centre of the operator that received the erroneous payment (its details "
    "are on the receipt)."
)
INTRO = (
    "If you have paid but the money has not reached the balance yet, register the payment: up to %(max)s is "
    "credited at once for %(days)s days. When your payment arrives the temporary amount is withdrawn against it; "
    "if it does not arrive in time, the amount is withdrawn when the days run out."
)

# msgid -> (ru, be)
T: dict[str, tuple[str, str]] = {
    # ledger reasons («основание»), written in the operator's language (issa.core.texts.operator_text)
    "Promised payment": ("Обещанный платёж", "Абяцаны плацёж"),
    "Promised payment settled": ("Обещанный платёж погашен", "Абяцаны плацёж пагашаны"),
    "Promised payment expired": ("Обещанный платёж: срок истёк", "Абяцаны плацёж: тэрмін скончыўся"),
    "Installment %(number)s/%(count)s: %(device)s": (
        "Рассрочка %(number)s/%(count)s: %(device)s",
        "Растэрміноўка %(number)s/%(count)s: %(device)s",
    ),
    "Erroneous payment moved to %(number)s": (
        "Ошибочный платёж перенесён на номер %(number)s",
        "Памылковы плацёж перанесены на нумар %(number)s",
    ),
    "Erroneous payment from %(number)s": (
        "Ошибочный платёж с номера %(number)s",
        "Памылковы плацёж з нумара %(number)s",
    ),
    # admin
    "review deadline": ("срок рассмотрения", "тэрмін разгляду"),
    "Overdue": ("Просрочено", "Пратэрмінавана"),
    "Due today": ("Срок сегодня", "Тэрмін сёння"),
    "Under review": ("На рассмотрении", "На разглядзе"),
    "amount": ("сумма", "сума"),
    "overdue": ("просрочено", "пратэрмінавана"),
    "decision": ("решение", "рашэнне"),
    "Review": ("Рассмотреть", "Разгледзець"),
    "You may not decide refund requests.": (
        "У вас нет права решать заявки на возврат.",
        "У вас няма права вырашаць заяўкі на вяртанне.",
    ),
    "Decided: %(state)s.": ("Решение принято: %(state)s.", "Рашэнне прынята: %(state)s."),
    "Review the refund request": ("Рассмотрение заявки на возврат", "Разгляд заяўкі на вяртанне"),
    "Approve and move the money": ("Одобрить и перевести деньги", "Ухваліць і перавесці грошы"),
    "Reject": ("Отклонить", "Адхіліць"),
    # api
    "Enter the amount in roubles, e.g. 2,50.": (
        "Введите сумму в рублях, например 2,50.",
        "Увядзіце суму ў рублях, напрыклад 2,50.",
    ),
    # models
    "Finances": ("Финансы", "Фінансы"),
    "account": ("лицевой счёт", "асабовы рахунак"),
    "subscriber": ("абонент", "абанент"),
    "amount, kopecks": ("сумма, копеек", "сума, капеек"),
    "state": ("состояние", "стан"),
    "channel": ("канал", "канал"),
    "pending request": ("запрос на подтверждение", "запыт на пацвярджэнне"),
    "created at": ("создан", "створаны"),
    "confirmed at": ("подтверждён", "пацверджаны"),
    "valid until": ("действует до", "дзейнічае да"),
    "closed at": ("закрыт", "закрыты"),
    "promised payment": ("обещанный платёж", "абяцаны плацёж"),
    "promised payments": ("обещанные платежи", "абяцаныя плацяжы"),
    "device": ("оборудование", "абсталяванне"),
    "total, kopecks": ("стоимость, копеек", "кошт, капеек"),
    "monthly payment, kopecks": ("ежемесячный платёж, копеек", "штомесячны плацёж, капеек"),
    "number of payments": ("число платежей", "колькасць плацяжоў"),
    "first payment month": ("месяц первого платежа", "месяц першага плацяжу"),
    "The 1st of the month of payment 1": ("1-е число месяца первого платежа", "1-ы дзень месяца першага плацяжу"),
    "installment plan": ("рассрочка", "растэрміноўка"),
    "installment plans": ("рассрочки", "растэрміноўкі"),
    "payment number": ("номер платежа", "нумар плацяжу"),
    "written off early": ("списан досрочно", "спісаны датэрмінова"),
    "paid at": ("оплачен", "аплачаны"),
    "ledger key": ("ключ проводки", "ключ праводкі"),
    "installment payment": ("платёж по рассрочке", "плацёж па растэрміноўцы"),
    "installment payments": ("платежи по рассрочке", "плацяжы па растэрміноўцы"),
    "wrong number": ("ошибочный номер", "памылковы нумар"),
    "payment": ("платёж", "плацёж"),
    "right number": ("правильный номер", "правільны нумар"),
    "right account": ("правильный лицевой счёт", "правільны асабовы рахунак"),
    "submitted at": ("подана", "пададзена"),
    "review due on": ("рассмотреть до", "разгледзець да"),
    "decided at": ("решение принято", "рашэнне прынята"),
    "decided by": ("кем решено", "кім вырашана"),
    "reason": ("причина", "прычына"),
    "refund request": ("заявка на возврат", "заяўка на вяртанне"),
    "refund requests": ("заявки на возврат", "заяўкі на вяртанне"),
    # selectors: sources of payments (FIN-1)
    "Bank card": ("Банковская карточка", "Банкаўская картка"),
    "Express payment card": ("Карта экспресс-оплаты", "Картка экспрэс-аплаты"),
    "Bank, ERIP": ("Банк, ЕРИП", "Банк, АРЫП"),
    "Automatic top-up": ("Автопополнение", "Аўтапапаўненне"),
    "Refund of an erroneous payment": ("Возврат ошибочного платежа", "Вяртанне памылковага плацяжу"),
    "Cash, sales centre": ("Наличные, центр продаж", "Наяўныя, цэнтр продажаў"),
    # services
    "An installment plan needs a total and a number of payments.": (
        "Для рассрочки нужны стоимость и число платежей.",
        "Для растэрміноўкі патрэбныя кошт і колькасць плацяжоў.",
    ),
    "Choose from 1 to %(count)s payments.": (
        "Выберите от 1 до %(count)s платежей.",
        "Выберыце ад 1 да %(count)s плацяжоў.",
    ),
    "Not enough money on the balance: %(amount)s is needed, the balance is %(balance)s.": (
        "Недостаточно средств на балансе: нужно %(amount)s, на балансе %(balance)s",
        "Недастаткова сродкаў на балансе: трэба %(amount)s, на балансе %(balance)s",
    ),
    "A promised payment is from 0,01 to %(max)s.": (
        "Сумма обещанного платежа — от 0,01 до %(max)s.",
        "Сума абяцанага плацяжу — ад 0,01 да %(max)s.",
    ),
    "You already have an active promised payment. A new one is possible after it is settled or expires.": (
        "У вас уже есть действующий обещанный платёж. Новый возможен после его погашения или окончания срока.",
        "У вас ужо ёсць дзейны абяцаны плацёж. Новы магчымы пасля яго пагашэння або заканчэння тэрміну.",
    ),
    "At most %(count)s promised payments a month can be registered.": (
        "В месяц можно зарегистрировать не более %(count)s обещанных платежей.",
        "За месяц можна зарэгістраваць не больш за %(count)s абяцаных плацяжоў.",
    ),
    "This request was cancelled because the session ended. Start it again.": (
        "Запрос отменён, так как сеанс завершён. Начните заново.",
        "Запыт адменены, бо сеанс завершаны. Пачніце нанова.",
    ),
    SALES_CENTRE: (
        "Возврат через личный кабинет невозможен. Необходимо обращаться в центры продаж velcom (если ошибочный "
        "платеж зачислен на номер velcom/ПРИВЕТ), либо в центры продаж того оператора, в пользу которого сделан "
        "ошибочный платеж (данные указаны в чеке).",
        "Вяртанне праз асабісты кабінет немагчымае. Неабходна звяртацца ў цэнтры продажаў velcom (калі памылковы "
        "плацёж залічаны на нумар velcom/ПРИВЕТ), альбо ў цэнтры продажаў таго аператара, на карысць якога зроблены "
        "памылковы плацёж (звесткі пазначаны ў чэку).",
    ),
    "Enter the right number, e.g. +375 29 123-45-67.": (
        "Введите правильный номер, например +375 29 123-45-67.",
        "Увядзіце правільны нумар, напрыклад +375 29 123-45-67.",
    ),
    "The right number must differ from this one.": (
        "Правильный номер должен отличаться от этого.",
        "Правільны нумар павінен адрознівацца ад гэтага.",
    ),
    "A refund of this payment has already been requested.": (
        "Заявка на возврат этого платежа уже подана.",
        "Заяўка на вяртанне гэтага плацяжу ўжо пададзена.",
    ),
    "This request has already been decided.": (
        "По этой заявке уже принято решение.",
        "Па гэтай заяўцы ўжо прынята рашэнне.",
    ),
    "The money has already been spent.": ("Денежные средства уже израсходованы.", "Грашовыя сродкі ўжо выдаткаваны."),
    "Give the reason for the rejection.": ("Укажите причину отказа.", "Пакажыце прычыну адмовы."),
    "Your refund request is approved: %(amount)s moved to %(number)s.": (
        "Заявка на возврат одобрена: %(amount)s зачислено на номер %(number)s.",
        "Заяўка на вяртанне ўхвалена: %(amount)s залічана на нумар %(number)s.",
    ),
    "Your refund request is rejected: %(reason)s": (
        "Заявка на возврат отклонена: %(reason)s",
        "Заяўка на вяртанне адхілена: %(reason)s",
    ),
    # ussd
    "Promised payment up to %(max)s for %(days)s days. Enter the amount:": (
        "Обещанный платёж до %(max)s на %(days)s дн. Введите сумму:",
        "Абяцаны плацёж да %(max)s на %(days)s дз. Увядзіце суму:",
    ),
    "The promised payment is cancelled.": ("Обещанный платёж отменён.", "Абяцаны плацёж адменены."),
    "%(amount)s credited for %(days)s days.": (
        "%(amount)s зачислено на %(days)s дн.",
        "%(amount)s залічана на %(days)s дз.",
    ),
    "Unknown request. Check the number and dial again.": (
        "Неизвестный запрос. Проверьте номер и наберите снова.",
        "Невядомы запыт. Праверце нумар і набярыце зноў.",
    ),
    "Credit %(amount)s?\n1 — confirm\n2 — cancel": (
        "Зачислить %(amount)s?\n1 — подтвердить\n2 — отмена",
        "Залічыць %(amount)s?\n1 — пацвердзіць\n2 — адмена",
    ),
    # portal views
    "Financial information": ("Финансовая информация", "Фінансавая інфармацыя"),
    "Payment history, installments, unconfirmed payments, refund of an erroneous payment": (
        "История платежей, рассрочка, неподтверждённые платежи, возврат ошибочного платежа",
        "Гісторыя плацяжоў, растэрміноўка, непацверджаныя плацяжы, вяртанне памылковага плацяжу",
    ),
    "Choose the payment.": ("Выберите платёж.", "Выберыце плацёж."),
    "The early write-off is cancelled.": ("Досрочное списание отменено.", "Датэрміновае спісанне адменена."),
    "%(amount)s written off the balance for the installments.": (
        "С баланса списано %(amount)s в счёт рассрочки.",
        "З балансу спісана %(amount)s у кошт растэрміноўкі.",
    ),
    "The promised payment of %(amount)s is credited until %(until)s.": (
        "Обещанный платёж %(amount)s зачислен до %(until)s.",
        "Абяцаны плацёж %(amount)s залічаны да %(until)s.",
    ),
    "The refund request is accepted. The result will come by SMS.": (
        "Заявка на возврат принята. О результате вы будете проинформированы SMS-сообщением.",
        "Заяўка на вяртанне прынята. Пра вынік вы будзеце праінфармаваны SMS-паведамленнем.",
    ),
    # templates
    "Payment history": ("История платежей", "Гісторыя плацяжоў"),
    "Top up by card": ("Пополнение картой", "Папаўненне карткай"),
    "Express card payment": ("Оплата картой экспресс-оплаты", "Аплата карткай экспрэс-аплаты"),
    "Installment information": ("Информация по рассрочке", "Інфармацыя па растэрміноўцы"),
    "Unconfirmed payments": ("Неподтверждённые платежи", "Непацверджаныя плацяжы"),
    "Alerts and auto top-up": ("Уведомления и автопополнение", "Апавяшчэнні і аўтапапаўненне"),
    "Balance": ("Баланс", "Баланс"),
    "Date": ("Дата", "Дата"),
    "Source": ("Источник", "Крыніца"),
    "Amount": ("Сумма", "Сума"),
    "No payments in this period.": ("За этот период платежей нет.", "За гэты перыяд плацяжоў няма."),
    "Confirm the write-off": ("Подтверждение списания", "Пацвярджэнне спісання"),
    "Write off %(count)s next installment payment(s), %(amount)s, from the balance?": (
        "Списать с баланса следующие платежи по рассрочке (%(count)s) на сумму %(amount)s?",
        "Спісаць з балансу наступныя плацяжы па растэрміноўцы (%(count)s) на суму %(amount)s?",
    ),
    "Confirm": ("Подтвердить", "Пацвердзіць"),
    "Cancel": ("Отмена", "Адмена"),
    "This request is no longer waiting for confirmation.": (
        "Этот запрос больше не ожидает подтверждения.",
        "Гэты запыт больш не чакае пацвярджэння.",
    ),
    "Back to installments": ("К рассрочке", "Да растэрміноўкі"),
    "Total cost": ("Стоимость", "Кошт"),
    "Monthly payment": ("Ежемесячный платёж", "Штомесячны плацёж"),
    "Payments left": ("Осталось платежей", "Засталося плацяжоў"),
    "of": ("из", "з"),
    "Next payment": ("Следующий платёж", "Наступны плацёж"),
    "Payoff date": ("Срок погашения", "Тэрмін пагашэння"),
    "Write off the next payments from the balance now": (
        "Списать следующие платежи с баланса сейчас",
        "Спісаць наступныя плацяжы з балансу зараз",
    ),
    "Write off": ("Списать", "Спісаць"),
    "You have no equipment bought in installments.": (
        "У вас нет оборудования, приобретённого в рассрочку.",
        "У вас няма абсталявання, набытага ў растэрміноўку.",
    ),
    "Confirm the registration": ("Подтверждение регистрации платежа", "Пацвярджэнне рэгістрацыі плацяжу"),
    "Credit a promised payment of %(amount)s for %(days)s days?": (
        "Зачислить обещанный платёж %(amount)s на %(days)s дн.?",
        "Залічыць абяцаны плацёж %(amount)s на %(days)s дз.?",
    ),
    "This registration is no longer waiting for confirmation.": (
        "Эта регистрация больше не ожидает подтверждения.",
        "Гэтая рэгістрацыя больш не чакае пацвярджэння.",
    ),
    "Back to the list": ("К списку", "Да спісу"),
    "Your registrations of payments made but not yet credited, and their state.": (
        "Список ваших операций по регистрации оплаты и их статус.",
        "Спіс вашых аперацый па рэгістрацыі аплаты і іх статус.",
    ),
    "Register a payment": ("Зарегистрировать оплату", "Зарэгістраваць аплату"),
    "Registered": ("Зарегистрирован", "Зарэгістраваны"),
    "State": ("Статус", "Статус"),
    "Valid until": ("Действует до", "Дзейнічае да"),
    "No registrations yet.": ("Регистраций пока нет.", "Рэгістрацый пакуль няма."),
    INTRO: (
        "Если вы оплатили, но деньги ещё не поступили на баланс, зарегистрируйте оплату: до %(max)s зачисляется "
        "сразу на %(days)s дн. Когда ваш платёж поступит, временная сумма списывается в счёт него; если он не "
        "поступит вовремя, сумма списывается по окончании срока.",
        "Калі вы аплацілі, але грошы яшчэ не паступілі на баланс, зарэгіструйце аплату: да %(max)s залічваецца "
        "адразу на %(days)s дз. Калі ваш плацёж паступіць, часовая сума спісваецца ў яго кошт; калі ён не "
        "паступіць своечасова, сума спісваецца па заканчэнні тэрміну.",
    ),
    "One registration at a time, at most %(per_month)s a month.": (
        "Одновременно — одна регистрация, не более %(per_month)s в месяц.",
        "Адначасова — адна рэгістрацыя, не больш за %(per_month)s у месяц.",
    ),
    "Next": ("Далее", "Далей"),
    "Amount, BYN (at most %(max)s)": ("Сумма, руб. (не более %(max)s)", "Сума, руб. (не больш за %(max)s)"),
    "If a payment meant for another number reached this one, ask to move it to the right number. Conditions:": (
        "Если на этот номер поступил платёж, предназначенный другому номеру, подайте заявку на его перевод на "
        "правильный номер. Условия:",
        "Калі на гэты нумар паступіў плацёж, прызначаны іншаму нумару, падайце заяўку на яго перавод на "
        "правільны нумар. Умовы:",
    ),
    "the amount is at most %(refund_max)s;": (
        "сумма платежа не более %(refund_max)s;",
        "сума плацяжу не больш за %(refund_max)s;",
    ),
    "at most %(refund_days)s days have passed since the payment;": (
        "с момента платежа прошло не более %(refund_days)s дней;",
        "з моманту плацяжу прайшло не больш за %(refund_days)s дзён;",
    ),
    "the right number differs from the wrong one in at most %(refund_digits)s digits;": (
        "правильный номер отличается от ошибочного не более, чем на %(refund_digits)s цифры;",
        "правільны нумар адрозніваецца ад памылковага не больш як на %(refund_digits)s лічбы;",
    ),
    "for a ПРИВЕТ number, the money is still unspent when the request is processed.": (
        "при оплате на номер абонента ПРИВЕТ — если на момент обработки заявления денежные средства не израсходованы.",
        "пры аплаце на нумар абанента ПРИВЕТ — калі на момант апрацоўкі заявы грашовыя сродкі не выдаткаваны.",
    ),
    "A request is reviewed within %(review_days)s working days; the result comes by SMS.": (
        "Заявка рассматривается до %(review_days)s рабочих дней. "
        "О результате вы будете проинформированы SMS-сообщением.",
        "Заяўка разглядаецца да %(review_days)s працоўных дзён. Пра вынік вы будзеце праінфармаваны SMS-паведамленнем.",
    ),
    "Payment": ("Платёж", "Плацёж"),
    "Right number": ("Правильный номер", "Правільны нумар"),
    "Send the request": ("Отправить заявку", "Адправіць заяўку"),
    "There are no recent payments that can be refunded.": (
        "Нет недавних платежей, которые можно вернуть.",
        "Няма нядаўніх плацяжоў, якія можна вярнуць.",
    ),
    "Your requests": ("Ваши заявки", "Вашы заяўкі"),
    "Submitted": ("Подана", "Пададзена"),
    "Review by": ("Рассмотреть до", "Разгледзець да"),
    "No requests.": ("Заявок нет.", "Заявак няма."),
}

# States of promised payments, installment plans and refund requests, with their own context so
# that the same English word in another area's catalogue does not decide the Russian one.
CONTEXT = "finance state"
STATES: dict[str, tuple[str, str]] = {
    "Awaiting confirmation": ("Ожидает подтверждения", "Чакае пацвярджэння"),
    "Active": ("Действует", "Дзейнічае"),
    "Settled": ("Погашен", "Пагашаны"),
    "Expired": ("Истёк срок", "Скончыўся тэрмін"),
    "Cancelled": ("Отменён", "Адменены"),
    "Paid off": ("Погашена", "Пагашана"),
    "Approved": ("Одобрена", "Ухвалена"),
    "Rejected": ("Отклонена", "Адхілена"),
    "Under review": ("На рассмотрении", "На разглядзе"),
}

# msgid -> (msgid_plural, ru forms, be forms)
P: dict[str, tuple[str, tuple[str, ...], tuple[str, ...]]] = {
    "Payments credited in the last %(months)s month (since %(since)s).": (
        "Payments credited in the last %(months)s months (since %(since)s).",
        (
            "Платежи, зачисленные за последний %(months)s месяц (с %(since)s).",
            "Платежи, зачисленные за последние %(months)s месяца (с %(since)s).",
            "Платежи, зачисленные за последние %(months)s месяцев (с %(since)s).",
        ),
        (
            "Плацяжы, залічаныя за апошні %(months)s месяц (з %(since)s).",
            "Плацяжы, залічаныя за апошнія %(months)s месяцы (з %(since)s).",
            "Плацяжы, залічаныя за апошнія %(months)s месяцаў (з %(since)s).",
            "Плацяжы, залічаныя за апошнія %(months)s месяца (з %(since)s).",
        ),
    ),
}


def _q(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
    return f'"{escaped}"'


def write(lang: str) -> Path:
    index = 0 if lang == "ru" else 1
    lines = [
        'msgid ""',
        'msgstr ""',
        '"Project-Id-Version: ISSA finance\\n"',
        '"PO-Revision-Date: 2026-11-25 17:00+0000\\n"',
        '"Last-Translator: ISSA finance <finance@issa.invalid>\\n"',
        '"Language-Team: ISSA\\n"',
        f'"Language: {lang}\\n"',
        '"MIME-Version: 1.0\\n"',
        '"Content-Type: text/plain; charset=UTF-8\\n"',
        '"Content-Transfer-Encoding: 8bit\\n"',
        f'"Plural-Forms: {HEADERS[lang]}\\n"',
        "",
    ]
    for msgid, pair in T.items():
        lines += [f"msgid {_q(msgid)}", f"msgstr {_q(pair[index])}", ""]
    for label, pair in STATES.items():
        lines += [f"msgctxt {_q(CONTEXT)}", f"msgid {_q(label)}", f"msgstr {_q(pair[index])}", ""]
    for msgid, (plural, ru, be) in P.items():
        forms = ru if lang == "ru" else be
        lines += [f"msgid {_q(msgid)}", f"msgid_plural {_q(plural)}"]
        lines += [f"msgstr[{n}] {_q(form)}" for n, form in enumerate(forms)]
        lines.append("")
    path = HERE / lang / "LC_MESSAGES" / "django.po"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(lines), encoding="utf-8")
    subprocess.run(["msgfmt", "--check", "-o", str(path.with_suffix(".mo")), str(path)], check=True)  # noqa: S603, S607
    return path


def check(extracted: Path) -> list[str]:
    """msgids of an extracted catalogue that the table lacks."""
    text = extracted.read_text(encoding="utf-8")
    found = re.findall(r'^msgid ((?:".*"\n)+)', text + "\n", flags=re.M)
    ids = set()
    for block in found:
        parts = re.findall(r'"(.*)"', block)
        ids.add("".join(parts).encode().decode("unicode_escape").encode("latin-1").decode("utf-8"))
    ids.discard("")
    return sorted(ids - set(T) - set(P) - set(STATES))


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--check":
        missing = check(Path(sys.argv[2]))
        print("\n".join(missing) or "complete")
        sys.exit(1 if missing else 0)
    for language in ("ru", "be"):
        print(write(language))
