# Zoomgram — русский. Ключи и переменные повторяют en.ftl; сообщения — простой текст.

## Описания команд бота (setMyCommands)

cmd-start = Начать: что умеет Zoomgram
cmd-help = Как всё работает и список команд
cmd-connect = Подключить аккаунт Zoom к этому чату
cmd-status = Состояние подключения и доставки
cmd-disconnect = Отключить Zoom от этого чата
cmd-language = Сменить язык
cmd-history = Последние записи и их доставка
cmd-import = Доставить прошлые записи за период
cmd-settings = Что приходит сюда, с каких встреч и куда

## /start и /help

start-text =
    👋 Привет! Я Zoomgram.

    Я присылаю ваши облачные записи Zoom прямо в этот чат: сначала аудио, затем расшифровку и краткое содержание — с темой встречи и временем её начала.

    Чтобы начать, отправьте /connect и разрешите доступ Zoomgram в Zoom. Вот и всё: каждая новая облачная запись будет приходить сюда сама.
start-connected =
    👋 С возвращением! Этот чат подключён к Zoom как { $email }.

    Новые облачные записи будут приходить сюда автоматически. Отправьте /status, чтобы проверить подключение, или /help, чтобы узнать, что я умею.
help-text =
    Zoomgram доставляет ваши облачные записи Zoom в Telegram.

    Команды:
    /connect — подключить аккаунт Zoom к этому чату
    /status — подключение, доступность Zoom и последние доставки
    /history — последние записи и что с ними произошло
    /import — доставить прошлые записи, например /import 30d
    /settings — что приходит сюда, с каких встреч и куда
    /language — сменить язык
    /disconnect — остановить доставку и отключить Zoom
    /help — это сообщение

    Как проходит доставка: когда Zoom заканчивает обработку облачной записи, я сначала присылаю аудио, а затем расшифровку и краткое содержание, как только они появятся в Zoom. Длинные записи приходят несколькими частями. Для каждой встречи есть одно сообщение со статусом, которое обновляется по мере доставки.

    В группах тоже работает: добавьте меня в группу, и пусть администратор группы отправит там /connect. Тогда записи будут приходить всей группе. Каждый аккаунт Zoom доставляет записи только в один чат, поэтому подключение в другом чате переносит доставку туда.

## Ошибки и отказы

error-generic = 😕 Что-то пошло не так на нашей стороне. Попробуйте ещё раз через минуту.
error-generic-ref = 😕 Что-то пошло не так на нашей стороне. Попробуйте ещё раз через минуту. Если ошибка повторяется, сообщите администратору сервиса этот код: { $ref }
error-group-admin-only = Это могут делать только администраторы группы. Попросите администратора отправить команду.
error-too-many-requests = Слишком много запросов сразу. Подождите немного и попробуйте снова.

## /connect

connect-prompt =
    Нажмите кнопку ниже, чтобы подключить аккаунт Zoom. Zoom попросит разрешить доступ для Zoomgram — после этого ваши облачные записи будут приходить в этот чат.

    Ссылка действует { $minutes ->
        [one] { $minutes } минуту
        [few] { $minutes } минуты
        [many] { $minutes } минут
       *[other] { $minutes } минуты
    } и срабатывает только один раз.
connect-button = Подключить Zoom
connect-button-reconnect = Переподключить Zoom
connect-already-connected =
    Вы уже подключены к Zoom как { $email }.

    Чтобы подключиться заново — например, с другим аккаунтом Zoom, — нажмите кнопку ниже. Если переподключиться из этого чата, новые записи будут приходить сюда.

## Результаты подключения (сообщения в чате)

connect-success = ✅ Подключено к Zoom как { $email }. Новые облачные записи будут приходить в этот чат.
connect-moved-away = ↪️ Записи аккаунта Zoom { $email } теперь доставляются в «{ $chat_title }». В этот чат они больше приходить не будут.
connect-moved-away-private = ↪️ Записи аккаунта Zoom { $email } теперь доставляются в личный чат со мной. В этот чат они больше приходить не будут.
connect-broken = ⚠️ Подключение к Zoom ({ $email }) перестало работать: Zoom больше не принимает наш доступ. Отправьте /connect, чтобы подключиться заново. До тех пор новые записи доставить не получится.

## /status

status-header = 📊 Состояние Zoomgram
status-connected = 🔗 Подключено к Zoom как { $email }
status-connected-since = 📅 Подключено с { $date }
status-zoom-reachable = 🟢 Zoom доступен ({ $ms } мс)
status-zoom-unreachable = 🔴 Zoom сейчас недоступен: { $reason }
status-recent-header = Последние доставки:
status-recent-item = • { $topic } — { $date } — { $state }
status-recent-empty = Пока ни одной доставленной записи.
status-jobs-pending =
    { $count ->
        [0] ⏳ Очередь пуста.
        [one] ⏳ В очереди { $count } задача.
        [few] ⏳ В очереди { $count } задачи.
        [many] ⏳ В очереди { $count } задач.
       *[other] ⏳ В очереди { $count } задачи.
    }
status-not-connected = Этот чат ещё не подключён к Zoom. Отправьте /connect, чтобы подключить аккаунт Zoom, — и облачные записи начнут приходить сюда.

## /disconnect

disconnect-confirm = Отключить аккаунт Zoom { $email } от этого чата? Новые записи больше не будут приходить.
disconnect-button-confirm = Да, отключить
disconnect-button-cancel = Отмена
disconnect-cancelled = Хорошо, ничего не изменилось. Подключение сохранено.
disconnect-done = ✅ Отключено. У Zoomgram больше нет доступа к вашему аккаунту Zoom, и записи сюда больше не придут. Отправьте /connect, если захотите подключиться снова.
disconnect-done-local-only = ✅ Отключено, но связаться с Zoom, чтобы отозвать доступ, не удалось. Мы удалили ваши токены, поэтому Zoomgram больше не может пользоваться вашим аккаунтом. Для надёжности можно также удалить Zoomgram из аккаунта Zoom в разделе «Added Apps» в Zoom App Marketplace.
disconnect-nothing = Отключать нечего: этот чат не подключён к Zoom.

## Отзыв доступа (приложение удалено в Zoom)

deauthorized = Zoomgram удалён из аккаунта Zoom, подключённого к этому чату, поэтому доставка остановлена, а ваши токены и данные удалены. Отправьте /connect, если снова захотите пользоваться Zoomgram.

## /language

language-prompt = 🌐 Выберите язык:
language-changed = ✅ Готово! Язык бота: { $language }.

## /history и состояния встреч

history-header = 🗂 Последние записи:
history-item = • { $topic } — { $date }: { $state }
history-empty = Записей пока нет. Они появятся здесь, как только Zoom пришлёт первую.
history-item-numbered = { $index }. { $topic } — { $date }: { $state }
history-button-resend = 🔁 { $index }
history-resend-hint = Нажмите на номер, чтобы снова получить аудио этой записи.
meeting-untitled = Встреча без названия
meeting-state-received = получена
meeting-state-downloading = скачивается
meeting-state-uploading = отправляется в Telegram
meeting-state-delivered = доставлена
meeting-state-failed = ошибка
meeting-state-waiting = ожидает, повторим позже
meeting-state-skipped = пропущено (причина сообщена в чате)

## Доставка

delivery-caption-topic = 🎙 { $topic }
delivery-caption-date = 🗓 Начало: { $date }
delivery-caption-duration = ⏱ Длительность: { $duration }
delivery-caption-host = 👤 Организатор: { $host }
delivery-caption-summary = 🧠 { $summary }
delivery-part = Часть { $index }/{ $total }
delivery-too-large-to-download = 📦 Запись «{ $topic }» весит { $size } — это больше лимита в { $limit } на этом сервере Zoomgram, поэтому она не доставлена. Её по-прежнему можно посмотреть в Zoom.
delivery-sent-as-link = 🔗 Этот файл нельзя отправить через Telegram ({ $reason }), поэтому вот ссылка: { $url }
delivery-video-as-document = 🎬 Из этой записи не удалось извлечь звук, поэтому отправляю видеофайл.
delivery-failed = ❌ Запись «{ $topic }» не удалось доставить даже после нескольких попыток. Причина: { $reason }
delivery-chat-paused = Доставка в чат { $chat_id } приостановлена: бота заблокировали или удалили из этого чата.

## Причины простыми словами (подставляются как { $reason }; без точки в конце)

reason-zoom-unreachable = не удалось связаться с Zoom
reason-zoom-rate-limited = Zoom попросил нас делать запросы реже; попробуем позже
reason-zoom-access-rejected = Zoom отклонил наш доступ; отправьте /connect, чтобы подключиться заново
reason-recording-not-found = запись удалена в Zoom или больше не найдена
reason-download-corrupted = файл из Zoom скачался с ошибкой (Zoom прислал веб-страницу или оборвал файл)
reason-telegram-file-too-large = Telegram не принял файл, потому что он слишком большой
reason-file-over-upload-limit = файл больше, чем принимает Telegram ({ $limit }), а этот сервер не может его уменьшить
reason-telegram-unreachable = не удалось связаться с Telegram
reason-unknown = произошла непредвиденная ошибка
reason-server-storage = сервер не смог временно сохранить запись (папка для медиафайлов переполнена или недоступна для записи)
reason-speech-failed = не удалось распознать речь в записи
reason-summary-never-came = резюме так и не пришло вовремя, поэтому мы перестали его ждать

## Карточка встречи (одно сообщение на встречу, обновляется по мере доставки)

card-title = 🎥 { $topic } · { $date }
card-stage-received = 📥 Запись получена
card-stage-downloading = ⬇️ Скачиваю из Zoom…
card-stage-uploading = ⬆️ Отправляю в Telegram…
card-stage-done = ✅ Всё готово
card-stage-problem = ⚠️ Готово, но доставить удалось не всё
card-stage-waiting = ⏳ Ожидание, повторим позже
card-line-audio = 🎧 Аудио: { $status }
card-line-transcript = 📝 Расшифровка: { $status }
card-line-summary = 🧠 Краткое содержание: { $status }
card-line-chat = 💬 Чат встречи: { $status }
card-trash-moved = 🗑 Перемещено в корзину Zoom, чтобы освободить облачное хранилище. Восстановить в течение 30 дней: веб-портал Zoom → Записи → Корзина → Восстановить.
card-trash-scope-missing = 🗑 Запись осталась в облаке Zoom: у Zoomgram нет права перемещать записи в корзину. Оператор добавляет приложению Zoom разрешение cloud_recording:delete:meeting_recording (в классических разрешениях: recording:write); затем отправьте /connect ещё раз и подтвердите его. Или выключите корзину в /settings.
card-trash-refused = 🗑 Запись осталась в облаке Zoom: Zoom отказался переместить её в корзину. Проверьте на веб-портале Zoom, можете ли вы удалить эту запись, или выключите корзину в /settings.
card-zoom-trashed = 🗑 Запись была перемещена в корзину в Zoom до того, как её удалось доставить; восстановите её в Zoom в течение 30 дней, чтобы получить.
card-zoom-deleted = 🗑 Запись была окончательно удалена в Zoom до того, как её удалось доставить; то, что ещё не пришло, отправить уже нельзя.
card-zoom-recovered = ♻️ Запись восстановлена в Zoom; недостающее уже в пути.
card-status-pending = ожидает
card-status-in-progress = в процессе…
card-status-done = ✓ готово
card-transcript-source-zoom = Zoom
card-transcript-source-stt = распознавание речи
card-status-failed = ✗ ошибка: { $reason }
card-status-not-available = недоступно
card-status-waiting = ⏳ ожидает, повторим позже
card-button-resend-audio = 🔁 Отправить аудио ещё раз
card-button-get-transcript = 📄 Получить расшифровку
callback-resend-queued = Аудио уже в пути.
callback-transcript-queued = Расшифровка уже в пути.
callback-transcript-unavailable = Для этой встречи расшифровки нет.
callback-expired = Эта запись больше недоступна.

## Расшифровка и краткое содержание

transcript-caption = 📝 Расшифровка: { $topic }
transcript-caption-stt = 📝 Расшифровка (распознавание речи): { $topic }
chat-file-caption = 💬 Чат встречи: { $topic }
chat-file-title = Чат
transcript-meta-source-stt = Расшифровано автоматически по аудио
transcript-title = Расшифровка
transcript-unknown-speaker = Неизвестный участник
transcript-meta-meeting = Встреча: { $topic }
transcript-meta-date = Дата: { $date }
transcript-meta-duration = Длительность: { $duration }
summary-header = 🧠 Краткое содержание: { $topic }
summary-title = Краткое содержание
summary-overview = Обзор
summary-key-points = Главное
summary-next-steps = Следующие шаги
summary-speaking-time = Время выступлений
summary-speaking-time-item = { $speaker }: { $duration } ({ $share })
summary-source-zoom = Краткое содержание от Zoom AI Companion
summary-source-generated = Составлено автоматически по расшифровке
summary-decisions = Решения
summary-action-items = Задачи
summary-open-questions = Открытые вопросы

## Оповещения для администратора (ADMIN_CHAT_ID)

admin-job-dead = 🚨 Задача { $job_id } ({ $kind }) окончательно завершилась с ошибкой: { $reason }
admin-webhook-verification-failures =
    ⚠️ За { $minutes ->
        [one] последнюю { $minutes } минуту
        [few] последние { $minutes } минуты
        [many] последние { $minutes } минут
       *[other] последние { $minutes } минуты
    } { $count ->
        [one] { $count } запрос вебхука Zoom не прошёл
        [few] { $count } запроса вебхука Zoom не прошли
        [many] { $count } запросов вебхука Zoom не прошли
       *[other] { $count } запроса вебхука Zoom не прошли
    } проверку подписи. Проверьте ZOOM_WEBHOOK_SECRET — или кто-то присылает поддельные запросы.
admin-alerts-suppressed =
    За { $minutes ->
        [one] последнюю { $minutes } минуту
        [few] последние { $minutes } минуты
        [many] последние { $minutes } минут
       *[other] последние { $minutes } минуты
    } { $count ->
        [one] задержано ещё { $count } похожее оповещение
        [few] задержано ещё { $count } похожих оповещения
        [many] задержано ещё { $count } похожих оповещений
       *[other] задержано ещё { $count } похожего оповещения
    }.

## HTML-страницы подключения (/zoom/connect, /zoom/callback)

page-link-invalid-title = Ссылка недействительна
page-link-invalid-body = Ссылка повреждена или создана не Zoomgram. Вернитесь в Telegram и отправьте /connect, чтобы получить новую.
page-link-expired-title = Срок действия ссылки истёк
page-link-expired-body = Ссылки для подключения действуют недолго. Вернитесь в Telegram и снова отправьте /connect, чтобы получить новую.
page-connected-title = Zoom подключён
page-connected-body = Вы подключены как { $email }. Эту страницу можно закрыть и вернуться в Telegram: новые облачные записи будут приходить в ваш чат.
page-access-denied-title = Подключение отменено
page-access-denied-body = Доступ для Zoomgram в Zoom не был разрешён, поэтому ничего не подключено. Если это ошибка, отправьте /connect в Telegram и попробуйте снова.
page-state-invalid-title = Не удаётся завершить вход
page-state-invalid-body = Эта попытка входа уже использована или больше недействительна. Вернитесь в Telegram и отправьте /connect, чтобы начать заново.
page-failed-title = Что-то пошло не так
page-failed-body = Не удалось завершить подключение Zoom. Попробуйте ещё раз с помощью /connect в Telegram. Если ошибка повторяется, сообщите администратору сервиса этот код: { $ref }
page-rate-limited-title = Слишком много попыток
page-rate-limited-body = Подождите минуту и попробуйте снова.
page-back-to-telegram = Вернуться в Telegram

## Issue #13: the connect link proves who is connecting
connect-anonymous-admin = Анонимные администраторы не могут подключить Zoom: Telegram не сообщает мне, кто вы. Отправьте /connect от своего имени (на время отключите «Оставаться анонимным») или в личном чате со мной.
page-confirm-title = Подключение Zoom к Telegram
page-confirm-body =
    { $requester } попросил(а) доставлять облачные записи аккаунта Zoom, который вы сейчас подтвердите, в группу Telegram «{ $chat_title }».

    Продолжайте, только если это вы и группа верная.
page-confirm-private-title = Подключение Zoom к Telegram
page-confirm-private-body =
    { $requester } попросил(а) доставлять облачные записи аккаунта Zoom, который вы сейчас подтвердите, в личный чат с ботом.

    Продолжайте, только если это вы.
page-continue-to-zoom = Перейти в Zoom
page-identity-missing-title = Откройте ссылку из Telegram
page-identity-missing-body = Эта ссылка работает только через кнопку в Telegram, которая сообщает нам, кто её нажал. Скопированную ссылку или нажатие более 10 минут назад использовать нельзя. Ничего не подключено: вернитесь в Telegram и нажмите кнопку (или снова отправьте /connect).
page-identity-mismatch-title = Эта ссылка не ваша
page-identity-mismatch-body = Этой кнопкой может воспользоваться только тот, кто отправил /connect. Ничего не подключено. Чтобы подключить свой аккаунт Zoom, отправьте /connect сами.
page-not-admin-title = Подключать могут только администраторы
page-not-admin-body = Вы больше не администратор этой группы, поэтому ничего не подключено. Попросите администратора группы отправить /connect.
page-link-used-title = Эта ссылка уже использована
page-link-used-body = Каждая ссылка для подключения запускает только один вход. На этот раз ничего не подключено: вернитесь в Telegram и отправьте /connect, чтобы получить новую ссылку.
admin-token-endpoint-refused = 🚨 Эндпоинт токенов Zoom отклонил обновление токена: { $reason }. Пользователи тут ни при чём (не меняли ли секрет клиента приложения Zoom? проверьте ZOOM_CLIENT_ID и ZOOM_CLIENT_SECRET). Подключения сохранены, обновления повторяются; ни один чат не просили подключиться заново.
## /import (past recordings)

import-error-usage =
    Как импортировать прошлые записи:
    /import 2026-01-01 — с этого дня по сегодня
    /import 2026-01-01 2026-03-31 — за этот период
    /import 30d — за последние 30 дней
    Даты в формате ГГГГ-ММ-ДД по UTC. Записи, которые уже есть в этом чате, пропускаются.
import-error-bad-date = Такой даты не существует. Укажите дату как ГГГГ-ММ-ДД, например /import 2026-01-15.
import-error-order = Начальная дата позже конечной. Поменяйте их местами.
import-error-future = Этот период ещё не начался. Укажите начальную дату не позже сегодняшней.
import-error-too-long = Период длиннее десяти лет. Выберите период короче.
import-not-connected = Этот чат ещё не подключён к Zoom. Сначала отправьте /connect, затем /import.
import-already-running = В этом чате уже идёт импорт ({ $from } – { $to }). Дождитесь окончания или отмените его кнопкой в сообщении о ходе импорта.
import-state-listing = 📥 Импорт записей с { $from } по { $to }: ищу их в Zoom…
import-state-delivering = 📥 Импорт записей с { $from } по { $to }: доставляю, начиная со старых…
import-state-done = ✅ Импорт завершён ({ $from } – { $to }).
import-state-cancelled = ⏹ Импорт отменён ({ $from } – { $to }). Записи, которые уже в пути, всё равно придут.
import-state-failed = ⚠️ Импорт остановлен ({ $from } – { $to }): Zoom раз за разом отвечал ошибкой. Отправьте /import позже; уже доставленные записи будут пропущены.
import-counts = Найдено: { $found } · Доставлено: { $delivered } · Пропущено (уже здесь): { $skipped }
import-counts-failed = Не удалось: { $failed } (подробности в сообщении о каждой встрече)
import-button-cancel = ⏹ Отменить импорт
import-nothing-to-cancel = Нет импорта, который можно отменить.
import-cancelled-toast = Импорт отменён.

## /settings (одно сообщение, которое обновляется)

settings-title = ⚙️ Настройки этого чата
settings-parts = 📦 Что приходит: { $parts }
settings-parts-none = ничего
settings-part-audio = Аудио
settings-part-video = Видео
settings-part-transcript = Расшифровка
settings-part-summary = Краткое содержание
settings-part-chat = Чат Zoom
settings-meetings-all = 🎯 Какие встречи: все
settings-meetings-contains = 🎯 Какие встречи: тема содержит «{ $phrase }»
settings-meetings-excludes = 🎯 Какие встречи: тема не содержит «{ $phrase }»
settings-trash-on = 🗑 После доставки: перемещается в корзину Zoom
settings-trash-off = 🗑 После доставки: остаётся в облаке Zoom
settings-trash-explain = «Корзина после доставки» перемещает облачную запись встречи в корзину Zoom, как только всё, что получает этот чат, пришло целым. В течение 30 дней её можно восстановить в Zoom, потом Zoom удаляет её.
settings-destination-here = 📍 Куда: в этот чат
settings-destination-topic = 📍 Куда: в тему, где была отправлена /connect
settings-destination-chat = 📍 Куда: { $title }
settings-destination-paused = ⏸ Доставка приостановлена: { $reason }
settings-language = 🌐 Язык: { $language }
settings-button-on = ✅ { $part }
settings-button-off = ⬜ { $part }
settings-button-selected = • { $label }
settings-button-all = Все встречи
settings-button-contains = Тема содержит…
settings-button-excludes = Тема не содержит…
settings-button-trash-on = 🗑 Корзина после доставки: вкл.
settings-button-trash-off = 🗑 Корзина после доставки: выкл.
settings-button-destination = 📣 Доставлять в канал или группу…
settings-button-destination-here = ↩️ Доставлять в этот чат
settings-button-language = 🌐 Язык
settings-button-back = ⬅️ Назад
settings-topic-prompt-contains = Ответьте на это сообщение фразой, которую должна содержать тема встречи.
settings-topic-prompt-excludes = Ответьте на это сообщение фразой, которой не должно быть в теме встречи.
settings-topic-saved = ✅ Сохранено. { $filter }
settings-topic-usage = Чтобы выбрать встречи по теме: /settings topic contains <фраза>, /settings topic excludes <фраза> или /settings topic all. Просто /settings покажет все настройки.
settings-this-chat = этот чат
settings-destination-pick = Выберите кнопкой ниже канал или группу, куда отправлять записи. Я должен иметь право публиковать там, а вы — быть администратором.
settings-destination-pick-for = Выберите кнопкой ниже канал или группу, куда отправлять записи чата { $chat }. Я должен иметь право публиковать там, а вы — быть администратором.
settings-destination-pick-channel = 📣 Выбрать канал
settings-destination-pick-group = 👥 Выбрать группу
settings-destination-cancel = Отмена
settings-destination-cancelled = Хорошо, ничего не изменилось.
settings-destination-sent-private = Я написал вам в личные сообщения: выберите канал или группу там.
settings-destination-need-private = Сначала откройте личный чат со мной и нажмите «Старт», затем нажмите эту кнопку ещё раз.
settings-destination-set = ✅ Записи чата { $chat } теперь отправляются в { $title }.
settings-destination-set-notice = 📣 Отныне записи Zoom этого чата публикуются в { $title }. Администратор может изменить это через /settings.
settings-destination-topic-set = 📌 Записи будут публиковаться в этой теме.
settings-destination-bot-missing = Меня нет в { $title }. Сначала добавьте меня туда (в канал — администратором с правом публикации), затем выберите снова.
settings-destination-bot-cannot-post = Я не могу публиковать в { $title }. Сделайте меня администратором с правом публикации сообщений и выберите снова.
settings-destination-not-admin = Вы не администратор { $title }, поэтому я не буду отправлять туда записи по вашей просьбе.
settings-destination-not-admin-of-origin = Вы больше не администратор чата { $chat }, поэтому место доставки не изменилось.
status-settings-header = ⚙️ Настройки (изменить — /settings):
destination-paused-notice = ⏸ Доставка приостановлена: { $reason }. Администратор может выбрать, куда доставлять, через /settings.
reason-topic-closed = тема форума, куда она шла, закрыта
reason-topic-deleted = тема форума, куда она шла, удалена
reason-destination-lost = я больше не могу публиковать в { $title }
admin-webhook-overloaded = ⚠️ Вебхуки Zoom отклоняются с кодом 503: самый старый необработанный ждёт уже { $seconds } с. Zoom повторит их через 5, 20 и 60 минут. Проверьте, что процессы worker запущены и успевают.
