"""The objection book 3.4.8 as shipped: categories, and per objection what the subscriber says,
other words for it (the search finds them) and the answers the operator may give. Each text is
a (Russian, English) pair."""

# code, (name ru, name en)
CATEGORIES = [
    ("price", ("Цена", "Price")),
    ("competitor", ("Конкуренты", "Competitors")),
    ("quality", ("Качество связи и обслуживания", "Service quality")),
    ("moving", ("Переезд", "Moving house")),
    ("debt", ("Долг и оплата", "Debts and payments")),
    ("doubt", ("«Я подумаю»", "“I'll think about it”")),
    ("no-time", ("Нет времени, не интересно", "No time, not interested")),
    ("contract", ("Договор и оборудование", "Contract and equipment")),
    ("tv", ("Телевидение", "TV")),
    ("trust", ("Доверие и безопасность", "Trust and security")),
    ("candidates", ("Кандидаты на работу", "Job candidates")),
]

# code, category, what the subscriber says, other words, answers
# fmt: off
OBJECTIONS = [
    # -- price ---------------------------------------------------------------------------------
    ("too-expensive", "price", ("Дорого", "It's too expensive"),
     ("дороговато, не по карману, высокая цена, много просите",
      "pricey, can't afford it, costs too much, overpriced"), [
        ("Понимаю, бюджет важен. Если разделить абонентскую плату на 30 дней, выходит меньше "
         "чашки кофе в день — и это для всех устройств в доме.",
         "I understand, the budget matters. Spread over the month, the fee comes to less than a "
         "cup of coffee a day — and it covers every device in your home."),
        ("Давайте подберём тариф под ваши задачи: если вы в основном читаете новости и "
         "общаетесь в мессенджерах, может подойти вариант дешевле.",
         "Let's find a tariff that matches how you use it: if it's mostly news and messaging, a "
         "cheaper plan may be all you need."),
        ("Сравните и то, что входит в цену: безлимит без ограничения скорости, круглосуточная "
         "поддержка, бесплатный выезд мастера.",
         "It's worth comparing what the price includes: truly unlimited data, support around "
         "the clock and free technician visits."),
    ]),
    ("no-money-now", "price", ("Сейчас нет денег", "I have no money right now"),
     ("до зарплаты, нечем платить, туго с деньгами, задержали зарплату",
      "broke, until payday, short of money, salary is late"), [
        ("Понимаю, так бывает. Когда у вас зарплата? Давайте запишем дату, к которой вам будет "
         "удобно оплатить.",
         "I understand, it happens. When is your payday? Let's note a date that works for you."),
        ("Можно оплатить часть сейчас, а остаток позже — так доступ не отключится.",
         "You can pay part of it now and the rest later, so the service stays on."),
    ]),
    ("price-went-up", "price", ("Вы подняли цену", "You've put the price up"),
     ("подорожало, повысили тариф, цена выросла, индексация",
      "price rise, went up, increase, dearer than before"), [
        ("Да, стоимость изменилась: выросли наши расходы на оборудование и каналы связи. "
         "Давайте посмотрим, не будет ли вам выгоднее другой тариф.",
         "Yes, the price has changed — our costs for equipment and network capacity have gone "
         "up. Let's see whether another tariff would suit you better."),
        ("Цену можно зафиксировать: при оплате на несколько месяцев вперёд сумма за этот срок "
         "не изменится.",
         "You can lock in the price: pay several months ahead and it won't change for that "
         "period."),
    ]),
    ("barely-use", "price", ("Я почти не пользуюсь", "I hardly use it"),
     ("редко пользуюсь, зачем мне столько, не нужна такая скорость",
      "rarely online, don't need that much, too fast for me"), [
        ("Тогда, возможно, вам подойдёт тариф попроще — давайте посмотрим, сколько вы "
         "сэкономите.",
         "Then a simpler tariff may suit you better — let's see how much you'd save."),
        ("Если уезжаете надолго, услугу можно приостановить, а не платить за месяц, которым "
         "не пользуетесь.",
         "If you're away for a long time, you can put the service on hold rather than pay for "
         "a month you don't use."),
    ]),
    ("advance-no-point", "price", ("Зачем платить вперёд?", "Why pay in advance?"),
     ("аванс, наперёд, заранее, не вижу смысла", "upfront, ahead, see no point, prepay"), [
        ("Вы получаете бонус и несколько месяцев не думаете об оплате — интернет не отключится "
         "в неподходящий момент.",
         "You get a bonus and don't have to think about paying for months — the internet won't "
         "go off at an awkward moment."),
        ("Деньги остаются на вашем лицевом счёте: если что-то изменится, остаток не пропадёт.",
         "The money stays on your account: if anything changes, the balance isn't lost."),
        ("Цена на оплаченный срок фиксируется, даже если тарифы изменятся.",
         "The price is locked in for the period you've paid for, even if tariffs change."),
    ]),
    # -- competitors ---------------------------------------------------------------------------
    ("competitor-cheaper", "competitor", ("У других дешевле", "Others are cheaper"),
     ("у конкурента дешевле, другой провайдер, у соседей дешевле",
      "cheaper elsewhere, another provider, my neighbour pays less"), [
        ("Подскажите, у кого и за какую скорость? Часто низкая цена — это акция на первые "
         "месяцы, после которой плата растёт.",
         "May I ask which provider and what speed? Often a low price is an introductory offer "
         "that goes up after a few months."),
        ("Сравните и то, что входит в цену: у нас безлимит, бесплатный выезд мастера и "
         "круглосуточная поддержка. Давайте я подберу самый выгодный для вас тариф.",
         "Compare what's included too: with us it's unlimited, technician visits are free and "
         "support is 24/7. Let me find the tariff that works out best for you."),
    ]),
    ("competitor-offer", "competitor",
     ("Другой провайдер предложил акцию", "Another provider has offered me a deal"),
     ("пришли агенты, акция конкурента, бесплатные месяцы, переманивают",
      "door-to-door, promotion, free months, they're tempting me away"), [
        ("Хорошо, что вы сначала сказали нам. Давайте посмотрю, что я могу предложить вам как "
         "постоянному абоненту.",
         "I'm glad you told us first. Let me see what I can offer you as a loyal customer."),
        ("Уточните условия после акции: сколько вы будете платить через три месяца и нужно ли "
         "покупать оборудование. Часто в итоге выходит дороже.",
         "Do check what happens after the promotion: what you'll pay in three months and "
         "whether you must buy equipment. It often ends up costing more."),
    ]),
    ("already-have-provider", "competitor",
     ("У меня уже есть интернет", "I already have a provider"),
     ("уже подключён, есть провайдер, не нужно",
      "already connected, have internet, another ISP"), [
        ("Значит, интернет вам нужен. Вас всё устраивает: скорость вечером, поддержка, цена?",
         "So you do need the internet. Are you happy with it — the evening speed, the support, "
         "the price?"),
        ("Подключение к нам бесплатное, и мы подключим вас в удобный день, чтобы вы не "
         "остались без связи при переходе.",
         "Connecting to us is free, and we'll do it on a day that suits you, so you're never "
         "left offline while switching."),
    ]),
    ("mobile-enough", "competitor",
     ("Мне хватает мобильного интернета", "Mobile data is enough for me"),
     ("4G, модем, раздаю с телефона, безлимит на телефоне",
      "4G, dongle, hotspot, tethering, phone plan"), [
        ("Мобильный интернет удобен в дороге, а дома проводной стабильнее и быстрее, особенно "
         "вечером, и не расходует пакет гигабайт.",
         "Mobile data is handy on the go, but at home a fixed line is faster and steadier, "
         "especially in the evening, and doesn't eat into your allowance."),
        ("К домашнему интернету подключаются сразу все устройства — телевизор, ноутбук, "
         "телефоны — без раздачи с телефона.",
         "A home connection serves every device at once — TV, laptop, phones — with no hotspot "
         "draining your phone."),
    ]),
    ("switching-hassle", "competitor",
     ("Не хочу возиться с переходом", "Switching is too much hassle"),
     ("лень менять, морока, привык, сложно", "too much trouble, used to it, complicated"), [
        ("Мы всё берём на себя: мастер приедет в удобное время, проложит кабель и настроит "
         "роутер. Обычно это занимает около часа.",
         "We take care of everything: the technician comes when it suits you, runs the cable "
         "and sets up the router. It usually takes about an hour."),
        ("Прежний договор обычно расторгается одним заявлением — подскажу, как это сделать.",
         "Ending your old contract usually takes just one request — I can tell you how."),
    ]),
    # -- service quality -----------------------------------------------------------------------
    ("slow-speed", "quality", ("Скорость ниже заявленной", "The speed is lower than promised"),
     ("медленно, тормозит, видео грузится, пинг, низкая скорость",
      "slow, lagging, buffering, ping, poor speed"), [
        ("Давайте проверим: скорость падает на всех устройствах или только по Wi-Fi? По "
         "кабелю к роутеру она обычно выше.",
         "Let's check: is it slow on every device or only over Wi-Fi? Over a cable to the "
         "router it's usually higher."),
        ("Я оформлю заявку в техподдержку: специалист проверит линию с нашей стороны и "
         "перезвонит вам.",
         "I'll open a ticket with technical support: they'll check the line on our side and "
         "call you back."),
        ("Если дома много устройств, тарифу может просто не хватать запаса — могу предложить "
         "скорость выше.",
         "With many devices at home, the tariff may simply lack headroom — I can offer a "
         "higher speed."),
    ]),
    ("frequent-outages", "quality",
     ("Интернет постоянно пропадает", "The connection keeps dropping"),
     ("обрывы, отключается, нестабильно, нет связи", "cuts out, unstable, disconnects, drops"), [
        ("Извините за неудобства. Когда это было в последний раз? Я передам данные инженерам, "
         "чтобы они проверили ваш участок сети.",
         "I'm sorry about that. When did it last happen? I'll pass the details to our "
         "engineers so they check your part of the network."),
        ("Иногда причина в роутере: попробуйте его перезагрузить. Не поможет — отправим мастера "
         "бесплатно.",
         "Sometimes it's the router: try restarting it. If that doesn't help, we'll send a "
         "technician free of charge."),
    ]),
    ("support-unreachable", "quality",
     ("В поддержку не дозвониться", "I can never get through to support"),
     ("долго ждать, не берут трубку, очередь на линии",
      "long wait, no answer, on hold for ages"), [
        ("Извините, что пришлось ждать. Сейчас я на связи и помогу решить вопрос.",
         "I'm sorry you had to wait. I'm here now and I'll help you sort it out."),
        ("Заявку можно оставить и в личном кабинете — её берут в работу без ожидания на "
         "линии.",
         "You can also raise a request in your online account — it's picked up without "
         "waiting on the line."),
    ]),
    ("wifi-weak", "quality", ("Wi-Fi плохо ловит в дальней комнате", "Wi-Fi is weak in some rooms"),
     ("вай-фай, не ловит, слабый сигнал, роутер не добивает",
      "wifi, weak signal, dead zone, router range"), [
        ("Часто помогает переставить роутер ближе к центру квартиры и повыше, не в шкаф.",
         "Moving the router to a more central, higher spot — not inside a cupboard — often "
         "helps."),
        ("Для большой квартиры можем предложить современный двухдиапазонный роутер или "
         "дополнительную точку доступа.",
         "For a larger home we can offer a modern dual-band router or an extra access point."),
    ]),
    ("technician-late", "quality", ("Мастер опоздал", "The technician was late"),
     ("опоздание, ждал весь день, не предупредил", "waited all day, no warning, turned up late"), [
        ("Приношу извинения, ваше время важно. Я передам это руководителю монтажной службы.",
         "I apologise — your time matters. I'll pass this on to the head of the installation "
         "team."),
        ("Мастер должен позвонить за час до приезда; если время перестало подходить, визит "
         "можно перенести одним звонком.",
         "The technician should call an hour before arriving; if the time stops suiting you, "
         "one call is enough to move the visit."),
    ]),
    ("technician-rude", "quality", ("Мастер был невежлив", "The technician was rude"),
     ("хамил, грубил, насорил, неаккуратно", "impolite, left a mess, careless, messy"), [
        ("Мне очень жаль, так быть не должно. Расскажите, пожалуйста, что произошло — я "
         "передам руководителю, и с мастером разберутся.",
         "I'm very sorry, that shouldn't happen. Please tell me what happened — I'll pass it to "
         "the manager and it will be taken up with the technician."),
        ("Если остался мусор или кабель уложен небрежно, мы пришлём мастера всё исправить "
         "бесплатно.",
         "If there's mess left or the cable is untidy, we'll send someone to put it right free "
         "of charge."),
    ]),
    ("issue-not-fixed", "quality", ("Проблему так и не решили", "The problem still isn't fixed"),
     ("не починили, опять не работает, заявка висит, никто не пришёл",
      "still broken, ticket still open, nobody came"), [
        ("Извините. Я вижу вашу заявку и передам её повторно с пометкой о срочности.",
         "I'm sorry. I can see your request and I'll resubmit it marked urgent."),
        ("Давайте прямо сейчас согласуем время повторного выезда мастера.",
         "Let's book the technician's return visit right now."),
    ]),
    # -- moving house --------------------------------------------------------------------------
    ("moving-away", "moving", ("Я переезжаю", "I'm moving house"),
     ("переезд, новая квартира, меняю адрес, съезжаю", "moving, new flat, relocating"), [
        ("Поздравляю с переездом! Если по новому адресу есть наша сеть, перенесём подключение "
         "и сохраним ваш счёт и тариф.",
         "Congratulations on the move! If our network reaches your new address, we'll move the "
         "connection and keep your account and tariff."),
        ("Назовите новый адрес — я сразу проверю, подключён ли дом.",
         "Tell me the new address and I'll check straight away whether the building is "
         "connected."),
    ]),
    ("moving-no-coverage", "moving",
     ("По новому адресу вас нет", "You don't cover my new address"),
     ("нет покрытия, дом не подключён, там другой провайдер",
      "no coverage, building not connected"), [
        ("Давайте я запишу адрес: мы расширяем сеть туда, где есть спрос, и сообщим, когда "
         "подключим дом.",
         "Let me note the address: we extend the network where there's demand, and we'll let "
         "you know when the building is connected."),
        ("Если в квартире останутся жильцы, договор можно переоформить на них — им не придётся "
         "подключаться заново.",
         "If someone stays on in the flat, the contract can be transferred to them so they "
         "don't have to connect from scratch."),
    ]),
    ("temporary-rent", "moving",
     ("Я снимаю квартиру ненадолго", "I'm only renting for a short while"),
     ("съёмная, аренда, временно, на полгода", "renting, temporary, short let, a few months"), [
        ("Договор бессрочный и без минимального срока: уедете — просто расторгнете его.",
         "The contract has no minimum term: when you leave, you simply end it."),
        ("При переезде подключение можно перенести на новый адрес, если там есть наша сеть.",
         "When you move, the connection can move with you if our network is there."),
    ]),
    ("moved-already", "moving", ("Я там больше не живу", "I don't live there any more"),
     ("съехал, продал квартиру, выехал", "moved out, sold the flat"), [
        ("Спасибо, что сказали. Договор действует, пока его не расторгнуть, поэтому плата "
         "начисляется. Давайте оформим расторжение или перенос на новый адрес.",
         "Thanks for telling me. The contract stays active until it's ended, so charges "
         "continue. Let's either end it or move it to your new address."),
        ("Где вы живёте сейчас? Возможно, мы работаем и там — тогда перенесём подключение.",
         "Where are you living now? We may well cover it — then we'll move your connection."),
    ]),
    # -- debts and payments --------------------------------------------------------------------
    ("already-paid", "debt", ("Я уже оплатил(а)", "I've already paid"),
     ("заплатил, перевёл, деньги ушли, есть чек", "paid, transferred, have a receipt"), [
        ("Спасибо! Платёж мог ещё не дойти — обычно он зачисляется в течение суток. Когда и "
         "каким способом вы платили?",
         "Thank you! It may not have reached us yet — payments usually take up to a day. When "
         "and how did you pay?"),
        ("Если прошло больше двух дней, пришлите, пожалуйста, чек — мы найдём платёж и "
         "зачислим его.",
         "If it's been more than two days, please send us the receipt — we'll trace the "
         "payment and credit it."),
    ]),
    ("debt-not-mine", "debt", ("Это не мой долг", "That debt isn't mine"),
     ("не подключался, чужой долг, ошибка, не знаю откуда",
      "never signed up, someone else's, a mistake"), [
        ("Давайте проверим: назовите, пожалуйста, адрес подключения, и я сверю его с "
         "договором.",
         "Let's check: please tell me the connection address and I'll compare it with the "
         "contract."),
        ("Если договор оформлял кто-то другой, я передам обращение на проверку, и до её "
         "окончания мы не будем беспокоить вас по этому долгу.",
         "If someone else signed the contract, I'll send it for review, and we won't contact "
         "you about this debt until the review is done."),
    ]),
    ("debt-disagree-amount", "debt", ("Не согласен(на) с суммой", "I don't agree with the amount"),
     ("неправильно начислили, завысили, лишнее списали, ошибка в сумме",
      "wrong amount, overcharged, billing error"), [
        ("Давайте посмотрим начисления по месяцам вместе — я назову, за что и сколько "
         "списано.",
         "Let's go through the charges month by month — I'll tell you what each one is for."),
        ("Если вы не согласны, я оформлю обращение на сверку: ответ придёт в течение "
         "нескольких рабочих дней.",
         "If you still disagree, I'll open a billing review; you'll get an answer within a few "
         "working days."),
    ]),
    ("service-not-used", "debt",
     ("Я не пользовался — за что платить?", "I didn't use it, so why should I pay?"),
     ("не пользовался, уезжал, роутер выключен, не было интернета",
      "didn't use it, was away, router switched off, had no service"), [
        ("Абонентская плата начисляется, пока договор действует, даже если роутер выключен. "
         "Чтобы не платить в отъезде, услугу можно приостановить.",
         "The monthly fee is charged while the contract is active, even with the router off. "
         "To avoid paying while you're away, you can put the service on hold."),
        ("Если интернета не было по нашей вине, я передам обращение на перерасчёт за эти дни.",
         "If you had no service because of a fault on our side, I'll request a refund for "
         "those days."),
    ]),
    ("contract-terminated", "debt", ("Я расторг(ла) договор", "I cancelled the contract"),
     ("отказался, звонил отключить, писал заявление", "terminated, asked to be disconnected"), [
        ("Договор расторгается по письменному заявлению, одного звонка недостаточно. У вас "
         "сохранилось заявление или его номер?",
         "A contract is ended by a written request; a phone call alone isn't enough. Do you "
         "still have the request or its number?"),
        ("Если заявление было, я передам его на проверку, и мы пересчитаем начисления с даты "
         "подачи.",
         "If you did file one, I'll pass it for review and we'll recalculate the charges from "
         "that date."),
    ]),
    ("will-pay-later", "debt", ("Заплачу, когда смогу", "I'll pay when I can"),
     ("потом, позже, как-нибудь, когда будут деньги", "later, sometime, when I have money"), [
        ("Хорошо. Давайте назовём конкретную дату — я запишу её, и до этой даты мы не будем "
         "вас беспокоить.",
         "All right. Let's set a specific date — I'll note it, and we won't bother you before "
         "then."),
        ("Напомню: при долге услуги могут приостановить, а после оплаты они включатся "
         "автоматически. Какая дата для вас реальна?",
         "Just so you know, the service may be suspended while there's a debt, and it comes "
         "back on its own once paid. What date is realistic for you?"),
    ]),
    ("payment-inconvenient", "debt", ("Неудобно платить", "Paying is a hassle"),
     ("как оплатить, где платить, не знаю реквизитов, далеко офис",
      "how to pay, where to pay, no bank details, office too far"), [
        ("Оплатить можно в приложении любого банка по номеру лицевого счёта, картой в личном "
         "кабинете или в платёжном терминале.",
         "You can pay in any banking app with your account number, by card in your online "
         "account, or at a payment terminal."),
        ("Подключите автоплатёж — плата будет списываться с карты сама, без напоминаний.",
         "Set up autopay and the fee will be taken from your card automatically."),
    ]),
    # -- “I'll think about it” ----------------------------------------------------------------
    ("will-think", "doubt", ("Я подумаю", "I'll think about it"),
     ("надо подумать, решу потом, не сейчас", "let me think, I'll decide later, not sure"), [
        ("Конечно. Подскажите, что вызывает сомнение, — может быть, я отвечу сразу?",
         "Of course. What's holding you back? Maybe I can answer it right now."),
        ("Давайте я пришлю условия в SMS, а через пару дней перезвоню — удобно?",
         "Shall I text you the details and call back in a couple of days?"),
    ]),
    ("consult-family", "doubt",
     ("Нужно посоветоваться с семьёй", "I need to talk it over with my family"),
     ("с мужем, с женой, с детьми, спрошу домашних",
      "ask my husband, ask my wife, check at home"), [
        ("Конечно, это правильно. Когда лучше перезвонить, чтобы вы успели всё обсудить?",
         "Of course, that's sensible. When should I call back, once you've had time to "
         "discuss it?"),
        ("Пришлю условия в SMS, чтобы вам было что показать семье.",
         "I'll text you the terms so you have them to show your family."),
    ]),
    ("send-info", "doubt", ("Пришлите информацию", "Just send me the details"),
     ("пришлите SMS, на почту, напишите", "send a text, email me, write to me"), [
        ("Пришлю. Чтобы отправить подходящее предложение, подскажите: что для вас важнее — "
         "цена или скорость?",
         "I will. So I send the right one — what matters more to you, price or speed?"),
        ("Отправляю прямо сейчас. Можно я перезвоню завтра и отвечу на вопросы?",
         "Sending it now. May I call you tomorrow to answer any questions?"),
    ]),
    ("call-back-later", "doubt", ("Перезвоните позже", "Call me back later"),
     ("позже, потом, сейчас неудобно", "later, not now, bad time"), [
        ("Хорошо. Когда вам удобно — сегодня вечером или завтра?",
         "Sure. When suits you — this evening or tomorrow?"),
        ("Конечно. Это займёт всего минуту — может быть, коротко сейчас?",
         "Of course. It only takes a minute — could we do it quickly now?"),
    ]),
    ("not-now", "doubt", ("Пока не нужно, может быть потом", "Not right now, maybe later"),
     ("не сейчас, в следующем месяце, когда-нибудь", "maybe later, next month, some other time"), [
        ("Понимаю. Предложение действует ограниченное время — давайте я запишу вас сейчас, а "
         "подключим с удобной даты.",
         "I understand. The offer is for a limited time — I can sign you up now and start it "
         "from whatever date suits you."),
        ("Хорошо. Можно я напомню о нём через месяц?",
         "All right. May I remind you about it in a month?"),
    ]),
    # -- no time, not interested ---------------------------------------------------------------
    ("no-time", "no-time", ("Нет времени разговаривать", "I have no time to talk"),
     ("некогда, занят, спешу", "busy, in a hurry"), [
        ("Понимаю, буду краток: одна минута. Или перезвонить в удобное время?",
         "I understand — I'll be brief, one minute. Or shall I call back at a better time?"),
        ("Когда вам удобнее: сегодня вечером или завтра днём?",
         "When's better for you: this evening or tomorrow afternoon?"),
    ]),
    ("not-interested", "no-time", ("Мне это не интересно", "I'm not interested"),
     ("не надо, не нужно, отстаньте", "don't need it, no thanks, leave me alone"), [
        ("Понимаю. Можно один вопрос: что для вас сейчас важнее в интернете — цена или "
         "скорость?",
         "I understand. Just one question: what matters more to you — price or speed?"),
        ("Хорошо, не буду настаивать. Если передумаете, мы всегда на связи.",
         "Fine, I won't push. If you change your mind, we're always here."),
    ]),
    ("stop-calling", "no-time", ("Не звоните мне больше", "Stop calling me"),
     ("надоели, хватит звонить, удалите мой номер", "don't call again, remove my number"), [
        ("Извините за беспокойство. Я отмечу, что вы не хотите получать предложения, и "
         "рекламных звонков больше не будет.",
         "Sorry to have bothered you. I'll note that you don't want offers, and you won't get "
         "sales calls again."),
        ("Важные сообщения о договоре — об авариях или оплате — мы будем присылать и дальше, "
         "но только по делу.",
         "We'll still send essential messages about your contract, such as outages or "
         "payments — but only those."),
    ]),
    ("everything-fine", "no-time", ("Меня всё устраивает", "I'm happy as it is"),
     ("всё нравится, ничего не надо, и так нормально", "all good, fine as it is, no changes"), [
        ("Приятно слышать! Я не предлагаю ничего менять — только добавить то, что сделает "
         "интернет удобнее за небольшую разницу.",
         "Good to hear! I'm not suggesting you change anything — just adding something that "
         "makes it better for a small difference."),
        ("Отлично. Просто знайте: если дома станет больше устройств, скорость можно поднять в "
         "любой момент одним звонком.",
         "Great. Just so you know, if you add more devices at home, a faster speed is one call "
         "away."),
    ]),
    ("at-work", "no-time", ("Я на работе / за рулём", "I'm at work / driving"),
     ("на совещании, не могу говорить, за рулём", "in a meeting, can't talk, driving"), [
        ("Извините, не буду отвлекать. Когда вам удобно, чтобы мы перезвонили?",
         "Sorry, I won't keep you. When can we call you back?"),
        ("Конечно, безопасность важнее. Перезвоним позже.",
         "Of course, safety first. We'll call back later."),
    ]),
    # -- contract and equipment ----------------------------------------------------------------
    ("long-contract", "contract",
     ("Не хочу привязываться договором", "I don't want to be tied into a contract"),
     ("обязательства, срок договора, подписывать", "commitment, minimum term, signing up"), [
        ("Договор бессрочный и без минимального срока: расторгнуть его можно в любой момент "
         "по заявлению.",
         "The contract has no minimum term: you can end it at any time with a simple request."),
        ("Договор защищает и вас: в нём записаны скорость, цена и наши обязательства.",
         "The contract protects you too: it sets out the speed, the price and what we owe "
         "you."),
    ]),
    ("router-purchase", "contract", ("Не хочу покупать роутер", "I don't want to buy a router"),
     ("роутер дорогой, оборудование, аренда", "router cost, equipment, rental"), [
        ("Покупать не обязательно — роутер можно взять в аренду за небольшую ежемесячную "
         "плату.",
         "You don't have to buy one — you can rent a router for a small monthly charge."),
        ("Если у вас есть свой роутер, мастер проверит его и настроит бесплатно.",
         "If you have your own router, the technician will check it and set it up for free."),
    ]),
    ("drilling-walls", "contract",
     ("Не хочу сверлить стены", "I don't want holes drilled in my walls"),
     ("ремонт, провода, кабель по квартире, испортите",
      "drilling, holes, cables, just decorated"), [
        ("Мастер проложит кабель аккуратно — по плинтусу или в кабель-канале — и согласует с "
         "вами каждое отверстие.",
         "The technician runs the cable neatly, along the skirting or in trunking, and agrees "
         "every hole with you."),
        ("Обычно нужно одно отверстие у входной двери, а по квартире работает Wi-Fi.",
         "Usually it's just one hole by the front door; Wi-Fi does the rest."),
    ]),
    ("landlord-permission", "contract",
     ("Квартира съёмная, нужно разрешение хозяина", "I rent — I need the landlord's permission"),
     ("хозяин, арендодатель, собственник", "landlord, owner, rented flat"), [
        ("Договор можно оформить на вас как на жильца — хозяин для этого не нужен. С ним "
         "стоит согласовать только прокладку кабеля.",
         "The contract can be in your name as the tenant — the owner isn't needed for that. "
         "Just clear the cable route with them."),
        ("Давайте я оформлю заявку сейчас, а время подключения согласуем после вашего "
         "разговора с хозяином.",
         "Let me register the request now; we'll agree the installation time once you've "
         "spoken to the landlord."),
    ]),
    ("installation-fee", "contract",
     ("Подключение платное?", "Do I have to pay for installation?"),
     ("стоимость подключения, за монтаж, сколько стоит провести",
      "installation fee, setup cost, connection charge"), [
        ("Стоимость подключения зависит от дома, часто по акции оно бесплатное. Давайте я "
         "проверю для вашего адреса.",
         "The installation cost depends on the building, and it's often free under a "
         "promotion. Let me check for your address."),
        ("Даже если подключение платное, платёж разовый: мастер проложит кабель и всё "
         "настроит под ключ.",
         "Even where there's a charge, it's a one-off: the technician runs the cable and sets "
         "everything up for you."),
    ]),
    ("early-termination", "contract",
     ("А если захочу уйти — будут штрафы?", "Will there be a penalty if I leave?"),
     ("штраф, неустойка, расторжение", "early termination fee, cancel, leave"), [
        ("Штрафа за расторжение нет; если вы брали оборудование в аренду, его нужно вернуть.",
         "There's no penalty for ending the contract; if you rent equipment, you just return "
         "it."),
        ("Если оборудование куплено по акции со скидкой, условия я назову заранее — без "
         "сюрпризов.",
         "If the equipment comes at a promotional discount, I'll tell you the terms up front — "
         "no surprises."),
    ]),
    # -- TV ------------------------------------------------------------------------------------
    ("no-tv-watching", "tv", ("Я не смотрю телевизор", "I don't watch TV"),
     ("нет телевизора, ТВ не нужно", "no television, don't need TV"), [
        ("Наше ТВ работает и на телефоне, и на ноутбуке — фильмы, сериалы и спорт можно "
         "смотреть где удобно.",
         "Our TV works on your phone and laptop too — films, series and sport wherever you "
         "like."),
        ("Может быть, телевизор смотрят ваши близкие? Часто ТВ подключают для родителей или "
         "детей.",
         "Perhaps someone else at home watches? People often add TV for their parents or "
         "children."),
    ]),
    ("free-channels-enough", "tv",
     ("Мне хватает бесплатных каналов", "The free channels are enough for me"),
     ("антенна, эфирное, 20 каналов, цифровое ТВ", "aerial, free-to-air, antenna"), [
        ("Кроме эфирных, в пакете есть каналы кино, детские и спортивные, а передачу можно "
         "поставить на паузу или пересмотреть.",
         "On top of the free-to-air ones, the package has film, kids' and sports channels, and "
         "you can pause or rewind a programme."),
        ("И антенна не нужна: картинка не пропадает в непогоду.",
         "And you don't need an aerial: the picture doesn't break up in bad weather."),
    ]),
    ("streaming-instead", "tv",
     ("Смотрю всё в онлайн-кинотеатрах", "I watch everything on streaming services"),
     ("онлайн-кинотеатр, подписка, видео в интернете", "streaming, subscription, online video"), [
        ("Тогда важна скорость: на быстром тарифе фильмы в хорошем качестве идут без задержек, "
         "даже когда все дома в сети.",
         "Then speed is what matters: on a faster tariff, HD films play without buffering, "
         "even when everyone's online."),
        ("В некоторые наши пакеты подписка на онлайн-кинотеатр уже входит — выходит дешевле, "
         "чем отдельно.",
         "Some of our packages already include a streaming subscription — cheaper than paying "
         "for it separately."),
    ]),
    ("no-smart-tv", "tv", ("У меня старый телевизор", "My TV is too old"),
     ("не смарт, нет Smart TV, старый телевизор", "not a smart TV, old set"), [
        ("Подойдёт и старый: к нему подключается приставка, её можно взять в аренду.",
         "An old set is fine: we connect a set-top box, which you can rent."),
        ("Ещё можно смотреть на телефоне, планшете или компьютере — без приставки.",
         "You can also watch on a phone, tablet or computer with no box at all."),
    ]),
    ("channel-missing", "tv", ("Нет нужного мне канала", "You don't have the channel I want"),
     ("нет канала, пропал канал, нужен спорт", "missing channel, channel removed, sport"), [
        ("Подскажите, какой канал вам нужен? Возможно, он есть в дополнительном пакете.",
         "Which channel is it? It may be in an add-on package."),
        ("Я передам ваше пожелание: состав пакетов мы меняем с учётом запросов абонентов.",
         "I'll pass on your request: we change the line-up based on what subscribers ask for."),
    ]),
    # -- trust and security --------------------------------------------------------------------
    ("scam-suspicion", "trust", ("Вы мошенники?", "How do I know this isn't a scam?"),
     ("развод, обман, не верю, проверить звонок", "fraud, con, is this real, prove it"), [
        ("Правильно, что вы осторожны. Я не прошу данные карты и коды из SMS. Можете "
         "перезвонить нам по номеру из договора или с сайта.",
         "You're right to be careful. I won't ask for card details or SMS codes. You can call "
         "us back on the number in your contract or on our website."),
        ("Чтобы вы убедились, я назову номер вашего лицевого счёта и тариф, а не спрошу их "
         "у вас.",
         "So you can be sure, I'll tell you your account number and tariff rather than ask "
         "you for them."),
    ]),
    ("no-personal-data", "trust",
     ("Не буду называть личные данные", "I won't give out personal details"),
     ("паспорт, персональные данные, зачем вам", "passport, ID, privacy, why do you need it"), [
        ("И правильно. Для заявки нужны только имя, телефон и адрес; паспорт мастер проверит "
         "при заключении договора.",
         "Quite right. For the request we only need a name, a phone number and an address; "
         "the technician checks your ID when you sign."),
        ("Ваши данные защищены законом о персональных данных и используются только для "
         "договора.",
         "Your details are protected by data protection law and used only for your contract."),
    ]),
    ("how-got-number", "trust", ("Откуда у вас мой номер?", "Where did you get my number?"),
     ("кто дал телефон, база номеров", "who gave you my number, database"), [
        ("Этот номер указан как контактный в вашем договоре с нами.",
         "It's the contact number in your contract with us."),
        ("Если вы не хотите, чтобы мы звонили по этому номеру, я сразу это отмечу.",
         "If you'd rather we didn't call this number, I'll note that straight away."),
    ]),
    ("hidden-fees", "trust",
     ("Потом окажутся скрытые платежи", "There'll be hidden charges later"),
     ("подвох, мелкий шрифт, доплаты, в чём подвох", "catch, small print, extra charges"), [
        ("Скрытых платежей нет: я сейчас назову полную ежемесячную сумму, и в SMS будет та же.",
         "There are no hidden charges: I'll tell you the full monthly amount now, and the text "
         "will say the same."),
        ("Все условия есть в договоре и на сайте; если что-то будет непонятно — звоните, "
         "объясним.",
         "All the terms are in the contract and on our website; if anything's unclear, call us "
         "and we'll explain."),
    ]),
    ("call-recorded", "trust", ("Вы записываете разговор?", "Are you recording this call?"),
     ("запись разговора, диктофон", "recording, recorded line"), [
        ("Да, разговоры записываются для контроля качества. Это защищает и вас: всё, о чём мы "
         "договорились, сохранится.",
         "Yes, calls are recorded for quality purposes. That protects you too: whatever we "
         "agree is on record."),
        ("Записи используются только внутри компании и не передаются третьим лицам.",
         "Recordings are used only within the company and aren't shared with anyone else."),
    ]),
    # -- job candidates ------------------------------------------------------------------------
    ("job-found", "candidates", ("Я уже нашёл(ла) работу", "I've already found a job"),
     ("уже работаю, устроился", "already working, took another job"), [
        ("Поздравляю! Если что-то изменится, мы будем рады вам. Можно сохранить ваше резюме?",
         "Congratulations! If anything changes, we'd be glad to hear from you. May we keep "
         "your CV on file?"),
        ("Может быть, работа у нас интересна кому-то из ваших знакомых?",
         "Perhaps someone you know might be interested in working with us?"),
    ]),
    ("job-salary", "candidates", ("Какая зарплата? Мало платите", "What's the pay? It seems low"),
     ("оклад, сколько получают, мало платят", "salary, wages, low pay"), [
        ("Доход состоит из оклада и премии за результат; точные цифры обсудим на "
         "собеседовании.",
         "Pay is a base salary plus a performance bonus; we'll go through the exact figures at "
         "the interview."),
        ("Обучение оплачивается, оформление официальное, отпуск и больничный оплачиваются.",
         "Training is paid, employment is fully official, and holidays and sick leave are "
         "paid."),
    ]),
    ("job-far", "candidates", ("Далеко ездить", "It's too far to travel"),
     ("дорога, добираться, другой район", "commute, travel time, other side of town"), [
        ("Для части должностей возможна удалённая работа — обсудим это на собеседовании.",
         "Some roles can be done from home — we can discuss that at the interview."),
        ("График сменный: можно выбрать смены так, чтобы не ездить в час пик.",
         "We work in shifts, so you can pick ones that avoid the rush hour."),
    ]),
    ("job-schedule", "candidates",
     ("Не могу прийти днём", "I can't make a daytime interview"),
     ("работаю днём, график, выходные", "working days, schedule, weekends"), [
        ("Можем провести собеседование вечером или в субботу — как вам удобнее?",
         "We can do the interview in the evening or on a Saturday — which suits you?"),
        ("Первое знакомство можно провести по видеосвязи, это займёт минут двадцать.",
         "The first conversation can be a video call of about twenty minutes."),
    ]),
]
# fmt: on

# Objections whose answers promise what only the operator's contract and practice can say (no
# termination fee, no minimum term, free visits, a hold, refunds, packages, pay): installed
# marked "adapt before use" (Objection.needs_review) until the operator saves an edit.
NEEDS_REVIEW = {
    # price and competitors: what the price includes, a price locked by paying ahead
    "too-expensive", "price-went-up", "barely-use", "advance-no-point", "competitor-cheaper",
    "already-have-provider",
    # service: free visits, how requests are handled
    "support-unreachable", "frequent-outages", "wifi-weak", "technician-late",
    "technician-rude",
    # moving: the connection moved, the contract transferred, no minimum term
    "moving-away", "moving-no-coverage", "temporary-rent",
    # debts: reviews and their terms, holds, refunds, how a contract is ended, suspension
    "debt-not-mine", "debt-disagree-amount", "service-not-used", "contract-terminated",
    "will-pay-later", "payment-inconvenient",
    # the contract and the equipment: no term, no penalty, rent, installation fee
    "long-contract", "router-purchase", "landlord-permission", "installation-fee",
    "early-termination",
    # TV: what the packages hold
    "no-tv-watching", "free-channels-enough", "streaming-instead", "no-smart-tv",
    # trust: charges, call recording
    "hidden-fees", "call-recorded",
    # candidates: pay, work from home, interview times
    "job-salary", "job-far", "job-schedule",
}  # fmt: skip
