# Zoomgram — español. Mismas claves y variables que en.ftl; todos los mensajes son texto plano.

## Descripciones de los comandos del bot (setMyCommands)

cmd-start = Empieza aquí: qué hace Zoomgram
cmd-help = Cómo funciona y todos los comandos
cmd-connect = Conecta tu cuenta de Zoom a este chat
cmd-status = Estado de la conexión y de las entregas
cmd-disconnect = Desconecta Zoom de este chat
cmd-language = Cambiar el idioma
cmd-history = Grabaciones recientes y su entrega
cmd-import = Entregar grabaciones pasadas de un periodo
cmd-settings = Qué llega aquí, de qué reuniones y adónde

## /start y /help

start-text =
    👋 ¡Hola! Soy Zoomgram.

    Envío tus grabaciones en la nube de Zoom directamente a este chat: primero el audio y después la transcripción y un resumen, cada uno con el tema de la reunión y su hora de inicio.

    Para empezar, envía /connect y autoriza a Zoomgram en Zoom. Eso es todo: cada nueva grabación en la nube llegará aquí sola.
start-connected =
    👋 ¡Hola de nuevo! Este chat está conectado a Zoom como { $email }.

    Las nuevas grabaciones en la nube llegarán aquí automáticamente. Envía /status para revisar la conexión o /help para ver todo lo que puedo hacer.
help-text =
    Zoomgram entrega tus grabaciones en la nube de Zoom en Telegram.

    Comandos:
    /connect — conecta tu cuenta de Zoom a este chat
    /status — conexión, disponibilidad de Zoom y últimas entregas
    /history — grabaciones recientes y qué pasó con ellas
    /import — entregar grabaciones pasadas, p. ej. /import 30d
    /settings — qué llega aquí, de qué reuniones y adónde
    /language — cambia el idioma
    /disconnect — detiene las entregas y desconecta Zoom
    /help — este mensaje

    Cómo funciona la entrega: cuando Zoom termina de procesar una grabación en la nube, te envío primero el audio y después la transcripción y un resumen en cuanto Zoom los tenga. Las grabaciones largas llegan en varias partes. Cada reunión tiene un mensaje de estado que se actualiza a medida que llegan las partes.

    También funciona en grupos: añádeme a un grupo y pide a un administrador que envíe /connect allí. Así las grabaciones llegarán a todo el grupo. Cada cuenta de Zoom entrega en un solo chat a la vez, así que conectarla en otro chat traslada la entrega allí.

## Errores y rechazos

error-generic = 😕 Algo salió mal por nuestra parte. Vuelve a intentarlo en un minuto.
error-generic-ref = 😕 Algo salió mal por nuestra parte. Vuelve a intentarlo en un minuto. Si sigue pasando, comparte esta referencia con el operador del servicio: { $ref }
error-group-admin-only = Solo los administradores de este grupo pueden hacerlo. Pide a un administrador que envíe el comando.
error-too-many-requests = Demasiadas solicitudes a la vez. Espera un momento y vuelve a intentarlo.

## /connect

connect-prompt =
    Toca el botón de abajo para conectar tu cuenta de Zoom. Zoom te pedirá que autorices a Zoomgram; después, tus grabaciones en la nube llegarán a este chat.

    El enlace es válido durante { $minutes ->
        [one] { $minutes } minuto
       *[other] { $minutes } minutos
    } y solo funciona una vez.
connect-button = Conectar Zoom
connect-button-reconnect = Volver a conectar Zoom
connect-already-connected =
    Ya estás conectado a Zoom como { $email }.

    Para conectarte de nuevo —por ejemplo, con otra cuenta de Zoom—, usa el botón de abajo. Si vuelves a conectarte desde este chat, las nuevas grabaciones llegarán aquí.

## Resultados de la conexión (mensajes en el chat)

connect-success = ✅ Conectado a Zoom como { $email }. Las nuevas grabaciones en la nube llegarán a este chat.
connect-moved-away = ↪️ Las grabaciones de la cuenta de Zoom { $email } ahora se entregan en «{ $chat_title }». Este chat ya no las recibirá.
connect-moved-away-private = ↪️ Las grabaciones de la cuenta de Zoom { $email } ahora se entregan en un chat privado conmigo. Este chat ya no las recibirá.
connect-broken = ⚠️ La conexión con Zoom ({ $email }) dejó de funcionar: Zoom ya no acepta nuestro acceso. Envía /connect para volver a conectarte. Hasta entonces, no se podrán entregar nuevas grabaciones.

## /status

status-header = 📊 Estado de Zoomgram
status-connected = 🔗 Conectado a Zoom como { $email }
status-connected-since = 📅 Conectado desde el { $date }
status-zoom-reachable = 🟢 Zoom está disponible ({ $ms } ms)
status-zoom-unreachable = 🔴 Ahora mismo no se puede contactar con Zoom: { $reason }
status-recent-header = Últimas entregas:
status-recent-item = • { $topic } — { $date } — { $state }
status-recent-empty = Todavía no se ha entregado ninguna grabación.
status-jobs-pending =
    { $count ->
        [0] ⏳ No hay nada esperando en la cola.
        [one] ⏳ Hay { $count } tarea esperando en la cola.
       *[other] ⏳ Hay { $count } tareas esperando en la cola.
    }
status-not-connected = Este chat todavía no está conectado a Zoom. Envía /connect para conectar tu cuenta de Zoom y tus grabaciones en la nube llegarán aquí.

## /disconnect

disconnect-confirm = ¿Desconectar la cuenta de Zoom { $email } de este chat? Las nuevas grabaciones dejarán de llegar.
disconnect-button-confirm = Sí, desconectar
disconnect-button-cancel = Cancelar
disconnect-cancelled = De acuerdo, no se ha cambiado nada. Sigues conectado.
disconnect-done = ✅ Desconectado. Zoomgram ya no tiene acceso a tu cuenta de Zoom y no llegarán más grabaciones aquí. Envía /connect cuando quieras para volver a conectarte.
disconnect-done-local-only = ✅ Desconectado aquí, pero no se pudo contactar con Zoom para retirar nuestro acceso. Hemos borrado tus tokens, así que Zoomgram ya no puede usar tu cuenta. Para mayor seguridad, también puedes quitar Zoomgram de tu cuenta de Zoom en «Added Apps» del Zoom App Marketplace.
disconnect-nothing = No hay nada que desconectar: este chat no está conectado a Zoom.

## Revocación (la app se eliminó en Zoom)

deauthorized = Zoomgram se eliminó de la cuenta de Zoom conectada a este chat, así que las entregas se detuvieron y borramos tus tokens y datos. Envía /connect si quieres volver a usar Zoomgram.

## /language

language-prompt = 🌐 Elige tu idioma:
language-changed = ✅ ¡Listo! Idioma del bot: { $language }.

## /history y estados de las reuniones

history-header = 🗂 Grabaciones recientes:
history-item = • { $topic } — { $date }: { $state }
history-empty = Aún no hay grabaciones. Aparecerán aquí en cuanto Zoom envíe la primera.
history-item-numbered = { $index }. { $topic } — { $date }: { $state }
history-button-resend = 🔁 { $index }
history-resend-hint = Toca un número para recibir de nuevo el audio de esa grabación.
meeting-untitled = Reunión sin título
meeting-state-received = recibida
meeting-state-downloading = descargando
meeting-state-uploading = enviando a Telegram
meeting-state-delivered = entregada
meeting-state-failed = fallida
meeting-state-waiting = en espera, se reintentará más tarde
meeting-state-skipped = omitido (se explicó el motivo en el chat)

## Entrega

delivery-caption-topic = 🎙 { $topic }
delivery-caption-date = 🗓 Inicio: { $date }
delivery-caption-duration = ⏱ Duración: { $duration }
delivery-caption-host = 👤 Anfitrión: { $host }
delivery-caption-summary = 🧠 { $summary }
delivery-part = Parte { $index }/{ $total }
delivery-too-large-to-download = 📦 La grabación «{ $topic }» ocupa { $size }, más que el límite de { $limit } de este servidor de Zoomgram, así que no se entregó. Puedes verla igualmente en Zoom.
delivery-sent-as-link = 🔗 Este archivo no se puede enviar por Telegram ({ $reason }), así que aquí tienes un enlace: { $url }
delivery-video-as-document = 🎬 No se pudo extraer el audio de esta grabación, así que te envío el archivo de vídeo.
delivery-failed = ❌ No se pudo entregar la grabación «{ $topic }», ni siquiera tras varios intentos. Motivo: { $reason }
delivery-chat-paused = La entrega al chat { $chat_id } está en pausa: el bot fue bloqueado o eliminado de ese chat.

## Motivos en palabras sencillas (se insertan como { $reason }; sin punto final)

reason-zoom-unreachable = no se pudo contactar con Zoom
reason-zoom-rate-limited = Zoom nos pidió ir más despacio; lo intentaremos más tarde
reason-zoom-access-rejected = Zoom rechazó nuestro acceso; envía /connect para volver a conectarte
reason-recording-not-found = la grabación se eliminó en Zoom o ya no se encuentra
reason-download-corrupted = la descarga desde Zoom llegó dañada (Zoom envió una página web o cortó el archivo)
reason-telegram-file-too-large = Telegram rechazó el archivo por ser demasiado grande
reason-file-over-upload-limit = el archivo supera lo que acepta Telegram ({ $limit }) y este servidor no puede reducirlo
reason-telegram-unreachable = no se pudo contactar con Telegram
reason-unknown = se produjo un error inesperado
reason-server-storage = este servidor no pudo guardar temporalmente la grabación (su carpeta de medios está llena o no admite escritura)
reason-speech-failed = el reconocimiento de voz no pudo transcribir el audio
reason-summary-never-came = no llegó ningún resumen a tiempo, así que dejamos de esperarlo

## Tarjeta de la reunión (un mensaje por reunión, se actualiza a medida que llegan las partes)

card-title = 🎥 { $topic } · { $date }
card-stage-received = 📥 Grabación recibida
card-stage-downloading = ⬇️ Descargando desde Zoom…
card-stage-uploading = ⬆️ Enviando a Telegram…
card-stage-done = ✅ Todo listo
card-stage-problem = ⚠️ Terminado, pero no se pudo entregar todo
card-stage-waiting = ⏳ En espera, se reintentará más tarde
card-line-audio = 🎧 Audio: { $status }
card-line-transcript = 📝 Transcripción: { $status }
card-line-summary = 🧠 Resumen: { $status }
card-line-chat = 💬 Chat de la reunión: { $status }
card-trash-moved = 🗑 Movida a la papelera de Zoom para liberar almacenamiento en la nube. Para recuperarla en 30 días: portal web de Zoom → Grabaciones → Papelera → Recuperar.
card-trash-scope-missing = 🗑 Sigue en tu nube de Zoom: Zoomgram no tiene permiso para mover grabaciones a la papelera. El operador añade a la app de Zoom el permiso cloud_recording:delete:meeting_recording (clásico: recording:write); después envía /connect de nuevo para aprobarlo. O desactiva la papelera en /settings.
card-trash-refused = 🗑 Sigue en tu nube de Zoom: Zoom se negó a moverla a la papelera. Comprueba en el portal web de Zoom que puedes eliminar esta grabación, o desactiva la papelera en /settings.
card-zoom-trashed = 🗑 La grabación se movió a la papelera en Zoom antes de que pudiera entregarse; restáurala en Zoom en un plazo de 30 días para recibirla.
card-zoom-deleted = 🗑 La grabación se eliminó definitivamente en Zoom antes de que pudiera entregarse; lo que no había llegado ya no se puede enviar.
card-zoom-recovered = ♻️ La grabación se restauró en Zoom; lo que faltaba está en camino.
card-status-pending = pendiente
card-status-in-progress = en curso…
card-status-done = ✓ listo
card-transcript-source-zoom = Zoom
card-transcript-source-stt = reconocimiento de voz
card-status-failed = ✗ falló: { $reason }
card-status-not-available = no disponible
card-status-waiting = ⏳ en espera, se reintentará más tarde
card-button-resend-audio = 🔁 Reenviar audio
card-button-get-transcript = 📄 Obtener transcripción
callback-resend-queued = El audio va de camino.
callback-transcript-queued = La transcripción va de camino.
callback-transcript-unavailable = No hay transcripción para esta reunión.
callback-expired = Esta grabación ya no está disponible.

## Transcripción y resumen

transcript-caption = 📝 Transcripción: { $topic }
transcript-caption-stt = 📝 Transcripción (reconocimiento de voz): { $topic }
chat-file-caption = 💬 Chat de la reunión: { $topic }
chat-file-title = Chat
transcript-meta-source-stt = Transcrito automáticamente a partir del audio
transcript-title = Transcripción
transcript-unknown-speaker = Participante desconocido
transcript-meta-meeting = Reunión: { $topic }
transcript-meta-date = Fecha: { $date }
transcript-meta-duration = Duración: { $duration }
summary-header = 🧠 Resumen: { $topic }
summary-title = Resumen
summary-overview = Resumen general
summary-key-points = Puntos clave
summary-next-steps = Próximos pasos
summary-speaking-time = Tiempo de palabra
summary-speaking-time-item = { $speaker }: { $duration } ({ $share })
summary-source-zoom = Resumen de Zoom AI Companion
summary-source-generated = Generado automáticamente a partir de la transcripción
summary-decisions = Decisiones
summary-action-items = Tareas
summary-open-questions = Preguntas abiertas

## Alertas para el operador (ADMIN_CHAT_ID)

admin-job-dead = 🚨 La tarea { $job_id } ({ $kind }) falló definitivamente: { $reason }
admin-webhook-verification-failures =
    ⚠️ { $count ->
        [one] { $count } solicitud de webhook de Zoom no superó
       *[other] { $count } solicitudes de webhook de Zoom no superaron
    } la verificación de firma en { $minutes ->
        [one] el último minuto
       *[other] los últimos { $minutes } minutos
    }. Revisa ZOOM_WEBHOOK_SECRET; también es posible que alguien esté enviando solicitudes falsificadas.
admin-alerts-suppressed =
    { $count ->
        [one] Se retuvo { $count } alerta más como esta
       *[other] Se retuvieron { $count } alertas más como esta
    } en { $minutes ->
        [one] el último minuto
       *[other] los últimos { $minutes } minutos
    }.

## Páginas HTML de la conexión (/zoom/connect, /zoom/callback)

page-link-invalid-title = Este enlace no es válido
page-link-invalid-body = El enlace está dañado o no lo creó Zoomgram. Vuelve a Telegram y envía /connect para obtener uno nuevo.
page-link-expired-title = Este enlace ha caducado
page-link-expired-body = Los enlaces de conexión solo funcionan durante poco tiempo. Vuelve a Telegram y envía /connect de nuevo para obtener uno nuevo.
page-connected-title = Zoom está conectado
page-connected-body = Te has conectado como { $email }. Puedes cerrar esta página y volver a Telegram: las nuevas grabaciones en la nube llegarán a tu chat.
page-access-denied-title = Conexión cancelada
page-access-denied-body = Zoomgram no se autorizó en Zoom, así que no se conectó nada. Si fue un error, envía /connect en Telegram y vuelve a intentarlo.
page-state-invalid-title = No se puede completar el inicio de sesión
page-state-invalid-body = Este intento de inicio de sesión ya se usó o ya no es válido. Vuelve a Telegram y envía /connect para empezar de nuevo.
page-failed-title = Algo salió mal
page-failed-body = No pudimos terminar de conectar Zoom. Vuelve a intentarlo con /connect en Telegram. Si sigue fallando, comparte esta referencia con el operador del servicio: { $ref }
page-rate-limited-title = Demasiados intentos
page-rate-limited-body = Espera un minuto y vuelve a intentarlo.
page-back-to-telegram = Volver a Telegram

## Issue #13: the connect link proves who is connecting
connect-anonymous-admin = Los administradores anónimos no pueden conectar Zoom: Telegram no me dice quién eres. Envía /connect con tu propio nombre (desactiva un momento «Permanecer anónimo») o en un chat privado conmigo.
page-confirm-title = Conectar Zoom con Telegram
page-confirm-body =
    { $requester } pidió entregar las grabaciones en la nube de la cuenta de Zoom que vas a aprobar al grupo de Telegram «{ $chat_title }».

    Continúa solo si eres tú y el grupo es el correcto.
page-confirm-private-title = Conectar Zoom con Telegram
page-confirm-private-body =
    { $requester } pidió entregar las grabaciones en la nube de la cuenta de Zoom que vas a aprobar a su chat privado con el bot.

    Continúa solo si eres tú.
page-continue-to-zoom = Continuar a Zoom
page-identity-missing-title = Abre este enlace desde Telegram
page-identity-missing-body = Este enlace solo funciona desde el botón de Telegram, que nos dice quién lo pulsó. No sirve un enlace copiado ni una pulsación de hace más de 10 minutos. No se conectó nada: vuelve a Telegram y pulsa el botón (o envía /connect de nuevo).
page-identity-mismatch-title = Este enlace no es tuyo
page-identity-mismatch-body = Solo quien envió /connect puede usar este botón. No se conectó nada. Si quieres conectar tu propia cuenta de Zoom, envía /connect tú mismo.
page-not-admin-title = Solo los administradores del grupo pueden conectar
page-not-admin-body = Ya no eres administrador de este grupo, así que no se conectó nada. Pide a un administrador del grupo que envíe /connect.
page-link-used-title = Este enlace ya se usó
page-link-used-body = Cada enlace de conexión inicia un solo inicio de sesión. Esta vez no se conectó nada: vuelve a Telegram y envía /connect para obtener un enlace nuevo.
admin-token-endpoint-refused = 🚨 El endpoint de tokens de Zoom rechazó una renovación de token: { $reason }. No es culpa de los usuarios (¿se cambió el client secret de la app de Zoom? revisa ZOOM_CLIENT_ID y ZOOM_CLIENT_SECRET). Las conexiones se mantienen y las renovaciones se reintentan; no se pidió a ningún chat que se vuelva a conectar.
## /import (past recordings)

import-error-usage =
    Cómo importar grabaciones pasadas:
    /import 2026-01-01 — desde ese día hasta hoy
    /import 2026-01-01 2026-03-31 — ese periodo
    /import 30d — los últimos 30 días
    Las fechas van como AAAA-MM-DD en UTC. Las grabaciones que este chat ya tiene se omiten.
import-error-bad-date = Esa fecha no existe. Usa AAAA-MM-DD, p. ej. /import 2026-01-15.
import-error-order = La fecha de inicio es posterior a la de fin. Intercámbialas, por favor.
import-error-future = Ese periodo aún no ha empezado. Elige una fecha de inicio de hoy o anterior.
import-error-too-long = Ese periodo dura más de diez años. Elige uno más corto.
import-not-connected = Este chat todavía no está conectado a Zoom. Envía primero /connect y luego /import.
import-already-running = Ya hay una importación en curso en este chat ({ $from } – { $to }). Espera a que termine o cancélala con el botón de su mensaje de progreso.
import-state-listing = 📥 Importando grabaciones del { $from } al { $to }: buscándolas en Zoom…
import-state-delivering = 📥 Importando grabaciones del { $from } al { $to }: entregando, las más antiguas primero…
import-state-done = ✅ Importación terminada ({ $from } – { $to }).
import-state-cancelled = ⏹ Importación cancelada ({ $from } – { $to }). Las grabaciones que ya van en camino llegarán igualmente.
import-state-failed = ⚠️ Importación detenida ({ $from } – { $to }): Zoom falló una y otra vez. Envía /import más tarde; las grabaciones ya entregadas se omitirán.
import-counts = Encontradas: { $found } · Entregadas: { $delivered } · Omitidas (ya están aquí): { $skipped }
import-counts-failed = Fallidas: { $failed } (mira el mensaje de estado de cada reunión)
import-button-cancel = ⏹ Cancelar importación
import-nothing-to-cancel = No hay ninguna importación que cancelar.
import-cancelled-toast = Importación cancelada.

## /settings (un solo mensaje que se actualiza)

settings-title = ⚙️ Ajustes de este chat
settings-parts = 📦 Qué llega: { $parts }
settings-parts-none = nada
settings-part-audio = Audio
settings-part-video = Vídeo
settings-part-transcript = Transcripción
settings-part-summary = Resumen
settings-part-chat = Chat de Zoom
settings-meetings-all = 🎯 Qué reuniones: todas
settings-meetings-contains = 🎯 Qué reuniones: el tema contiene «{ $phrase }»
settings-meetings-excludes = 🎯 Qué reuniones: el tema no contiene «{ $phrase }»
settings-trash-on = 🗑 Tras la entrega: se mueve a la papelera de Zoom
settings-trash-off = 🗑 Tras la entrega: se queda en la nube de Zoom
settings-trash-explain = «Papelera tras la entrega» mueve la grabación en la nube de una reunión a la papelera de Zoom en cuanto todo lo que recibe este chat ha llegado completo. Puedes recuperarla en Zoom durante 30 días; después Zoom la elimina.
settings-destination-here = 📍 Se entrega en: este chat
settings-destination-topic = 📍 Se entrega en: el tema donde se envió /connect
settings-destination-chat = 📍 Se entrega en: { $title }
settings-destination-paused = ⏸ Las entregas están en pausa: { $reason }
settings-language = 🌐 Idioma: { $language }
settings-button-on = ✅ { $part }
settings-button-off = ⬜ { $part }
settings-button-selected = • { $label }
settings-button-all = Todas las reuniones
settings-button-contains = El tema contiene…
settings-button-excludes = El tema no contiene…
settings-button-trash-on = 🗑 Papelera tras la entrega: sí
settings-button-trash-off = 🗑 Papelera tras la entrega: no
settings-button-destination = 📣 Entregar en un canal o grupo…
settings-button-destination-here = ↩️ Entregar en este chat
settings-button-language = 🌐 Idioma
settings-button-back = ⬅️ Volver
settings-topic-prompt-contains = Responde a este mensaje con la frase que debe contener el tema de una reunión.
settings-topic-prompt-excludes = Responde a este mensaje con la frase que no debe contener el tema de una reunión.
settings-topic-saved = ✅ Guardado. { $filter }
settings-topic-usage = Para elegir reuniones por tema: /settings topic contains <frase>, /settings topic excludes <frase> o /settings topic all. Envía solo /settings para ver todos los ajustes.
settings-this-chat = este chat
settings-destination-pick = Elige con un botón de abajo el canal o grupo que debe recibir las grabaciones. Tengo que poder publicar allí y tú debes ser uno de sus administradores.
settings-destination-pick-for = Elige con un botón de abajo el canal o grupo que debe recibir las grabaciones de { $chat }. Tengo que poder publicar allí y tú debes ser uno de sus administradores.
settings-destination-pick-channel = 📣 Elegir un canal
settings-destination-pick-group = 👥 Elegir un grupo
settings-destination-cancel = Cancelar
settings-destination-cancelled = De acuerdo, no ha cambiado nada.
settings-destination-sent-private = Te he escrito por privado: elige allí el canal o grupo.
settings-destination-need-private = Primero abre un chat privado conmigo y pulsa Iniciar; luego pulsa este botón otra vez.
settings-destination-set = ✅ Las grabaciones de { $chat } ahora van a { $title }.
settings-destination-set-notice = 📣 A partir de ahora, las grabaciones de Zoom de este chat se publican en { $title }. Un administrador puede cambiarlo con /settings.
settings-destination-topic-set = 📌 Las grabaciones se publicarán en este tema.
settings-destination-bot-missing = No estoy en { $title }. Añádeme primero (en un canal, como administrador con permiso para publicar) y vuelve a elegirlo.
settings-destination-bot-cannot-post = No puedo publicar en { $title }. Hazme administrador con permiso para publicar mensajes y vuelve a elegirlo.
settings-destination-not-admin = No eres administrador de { $title }, así que no enviaré grabaciones allí por ti.
settings-destination-not-admin-of-origin = Ya no eres administrador de { $chat }, así que su destino no cambia.
status-settings-header = ⚙️ Ajustes (cámbialos con /settings):
destination-paused-notice = ⏸ Las entregas están en pausa: { $reason }. Un administrador puede elegir adónde van con /settings.
reason-topic-closed = el tema del foro al que van se ha cerrado
reason-topic-deleted = el tema del foro al que van se ha eliminado
reason-destination-lost = ya no puedo publicar en { $title }
admin-webhook-overloaded = ⚠️ Los webhooks de Zoom se están rechazando con 503: el más antiguo sin procesar lleva { $seconds } s esperando. Zoom los reintenta a los 5, 20 y 60 minutos. Comprueba que los procesos worker funcionan y dan abasto.
