# Zoomgram — Deutsch. Schlüssel und Variablen wie in en.ftl; alle Nachrichten sind reiner Text.

## Beschreibungen der Bot-Befehle (setMyCommands)

cmd-start = Hier starten: was Zoomgram macht
cmd-help = So funktioniert’s, alle Befehle
cmd-connect = Dein Zoom-Konto mit diesem Chat verbinden
cmd-status = Status von Verbindung und Zustellung
cmd-disconnect = Zoom von diesem Chat trennen
cmd-language = Sprache ändern
cmd-history = Letzte Aufzeichnungen und ihre Zustellung
cmd-import = Frühere Aufzeichnungen eines Zeitraums zustellen
cmd-settings = Was hier ankommt, von welchen Meetings und wohin

## /start und /help

start-text =
    👋 Hallo! Ich bin Zoomgram.

    Ich schicke deine Zoom-Cloud-Aufzeichnungen direkt in diesen Chat: zuerst die Tonspur, dann das Transkript und eine Zusammenfassung – jeweils mit dem Thema und der Startzeit des Meetings.

    Sende zum Start /connect und erlaube Zoomgram den Zugriff in Zoom. Das war’s: Jede neue Cloud-Aufzeichnung kommt dann ganz von selbst hier an.
start-connected =
    👋 Willkommen zurück! Dieser Chat ist mit Zoom verbunden als { $email }.

    Neue Cloud-Aufzeichnungen kommen automatisch hier an. Mit /status prüfst du die Verbindung, mit /help siehst du alles, was ich kann.
help-text =
    Zoomgram stellt deine Zoom-Cloud-Aufzeichnungen in Telegram zu.

    Befehle:
    /connect – dein Zoom-Konto mit diesem Chat verbinden
    /status – Verbindung, Erreichbarkeit von Zoom und letzte Zustellungen
    /history – letzte Aufzeichnungen und was mit ihnen passiert ist
    /import – frühere Aufzeichnungen zustellen, z. B. /import 30d
    /settings – was hier ankommt, von welchen Meetings und wohin
    /language – Sprache ändern
    /disconnect – Zustellung beenden und Zoom trennen
    /help – diese Nachricht

    So läuft die Zustellung: Sobald Zoom eine Cloud-Aufzeichnung fertig verarbeitet hat, schicke ich zuerst die Tonspur, dann das Transkript und eine Zusammenfassung, sobald Zoom sie bereitstellt. Lange Aufzeichnungen kommen in mehreren Teilen. Für jedes Meeting gibt es eine Statusnachricht, die sich mit jedem Teil aktualisiert.

    Auch in Gruppen: Füge mich einer Gruppe hinzu und lass eine Person mit Admin-Rechten dort /connect senden. Dann gehen die Aufzeichnungen an die ganze Gruppe. Jedes Zoom-Konto stellt immer nur in einen Chat zu – wer in einem anderen Chat verbindet, verlegt die Zustellung dorthin.

## Fehler und Ablehnungen

error-generic = 😕 Bei uns ist etwas schiefgelaufen. Bitte versuch es in einer Minute noch einmal.
error-generic-ref = 😕 Bei uns ist etwas schiefgelaufen. Bitte versuch es in einer Minute noch einmal. Falls es wieder passiert, gib dem Betreiber diese Referenz: { $ref }
error-group-admin-only = Das können nur Admins dieser Gruppe. Bitte einen Admin, den Befehl zu senden.
error-too-many-requests = Das waren zu viele Anfragen auf einmal. Warte bitte einen Moment und versuch es dann noch einmal.

## /connect

connect-prompt =
    Tippe auf die Schaltfläche unten, um dein Zoom-Konto zu verbinden. Zoom fragt dich, ob du Zoomgram den Zugriff erlaubst – danach kommen deine Cloud-Aufzeichnungen in diesem Chat an.

    Der Link ist { $minutes ->
        [one] { $minutes } Minute
       *[other] { $minutes } Minuten
    } lang gültig und funktioniert nur einmal.
connect-button = Zoom verbinden
connect-button-reconnect = Zoom neu verbinden
connect-already-connected =
    Du bist bereits mit Zoom verbunden als { $email }.

    Um dich neu zu verbinden – zum Beispiel mit einem anderen Zoom-Konto –, nutze die Schaltfläche unten. Wenn du dich von diesem Chat aus neu verbindest, kommen neue Aufzeichnungen künftig hier an.

## Ergebnisse der Verbindung (Nachrichten im Chat)

connect-success = ✅ Mit Zoom verbunden als { $email }. Neue Cloud-Aufzeichnungen kommen in diesem Chat an.
connect-moved-away = ↪️ Aufzeichnungen des Zoom-Kontos { $email } werden jetzt an „{ $chat_title }“ zugestellt. Dieser Chat erhält sie nicht mehr.
connect-moved-away-private = ↪️ Aufzeichnungen des Zoom-Kontos { $email } werden jetzt in einen privaten Chat mit mir zugestellt. Dieser Chat erhält sie nicht mehr.
connect-broken = ⚠️ Die Verbindung zu Zoom ({ $email }) funktioniert nicht mehr: Zoom akzeptiert unseren Zugriff nicht mehr. Bitte sende /connect, um dich neu zu verbinden. Bis dahin können keine neuen Aufzeichnungen zugestellt werden.

## /status

status-header = 📊 Zoomgram-Status
status-connected = 🔗 Mit Zoom verbunden als { $email }
status-connected-since = 📅 Verbunden seit { $date }
status-zoom-reachable = 🟢 Zoom ist erreichbar ({ $ms } ms)
status-zoom-unreachable = 🔴 Zoom ist gerade nicht erreichbar: { $reason }
status-recent-header = Letzte Zustellungen:
status-recent-item = • { $topic } – { $date } – { $state }
status-recent-empty = Bisher wurden noch keine Aufzeichnungen zugestellt.
status-jobs-pending =
    { $count ->
        [0] ⏳ In der Warteschlange wartet nichts.
        [one] ⏳ { $count } Aufgabe wartet in der Warteschlange.
       *[other] ⏳ { $count } Aufgaben warten in der Warteschlange.
    }
status-not-connected = Dieser Chat ist noch nicht mit Zoom verbunden. Sende /connect, um dein Zoom-Konto zu verbinden – dann kommen deine Cloud-Aufzeichnungen hier an.

## /disconnect

disconnect-confirm = Das Zoom-Konto { $email } von diesem Chat trennen? Neue Aufzeichnungen werden dann nicht mehr zugestellt.
disconnect-button-confirm = Ja, trennen
disconnect-button-cancel = Abbrechen
disconnect-cancelled = Alles klar, nichts geändert. Die Verbindung bleibt bestehen.
disconnect-done = ✅ Getrennt. Zoomgram hat keinen Zugriff mehr auf dein Zoom-Konto, und hier kommen keine Aufzeichnungen mehr an. Mit /connect kannst du dich jederzeit wieder verbinden.
disconnect-done-local-only = ✅ Hier getrennt, aber Zoom war nicht erreichbar, um unseren Zugriff zu widerrufen. Wir haben deine Tokens gelöscht, Zoomgram kann dein Konto also nicht mehr nutzen. Zur Sicherheit kannst du Zoomgram zusätzlich im Zoom App Marketplace unter „Added Apps“ aus deinem Zoom-Konto entfernen.
disconnect-nothing = Es gibt nichts zu trennen: Dieser Chat ist nicht mit Zoom verbunden.

## Zugriff entzogen (App in Zoom entfernt)

deauthorized = Zoomgram wurde aus dem Zoom-Konto entfernt, das mit diesem Chat verbunden war. Die Zustellung ist deshalb beendet, und wir haben deine Tokens und Daten gelöscht. Sende /connect, wenn du Zoomgram wieder nutzen möchtest.

## /language

language-prompt = 🌐 Wähle deine Sprache:
language-changed = ✅ Erledigt! Ab jetzt spreche ich { $language }.

## /history und Meeting-Status

history-header = 🗂 Letzte Aufzeichnungen:
history-item = • { $topic } – { $date }: { $state }
history-empty = Noch keine Aufzeichnungen. Sie erscheinen hier, sobald Zoom die erste schickt.
history-item-numbered = { $index }. { $topic } – { $date }: { $state }
history-button-resend = 🔁 { $index }
history-resend-hint = Tippe auf eine Nummer, um das Audio dieser Aufzeichnung noch einmal zu bekommen.
meeting-untitled = Meeting ohne Titel
meeting-state-received = empfangen
meeting-state-downloading = wird heruntergeladen
meeting-state-uploading = wird an Telegram gesendet
meeting-state-delivered = zugestellt
meeting-state-failed = fehlgeschlagen
meeting-state-waiting = wartet, neuer Versuch später
meeting-state-skipped = übersprungen (der Chat wurde informiert, warum)

## Zustellung

delivery-caption-topic = 🎙 { $topic }
delivery-caption-date = 🗓 Beginn: { $date }
delivery-caption-duration = ⏱ Dauer: { $duration }
delivery-caption-host = 👤 Host: { $host }
delivery-caption-summary = 🧠 { $summary }
delivery-part = Teil { $index }/{ $total }
delivery-too-large-to-download = 📦 Die Aufzeichnung „{ $topic }“ ist { $size } groß und überschreitet damit das Limit von { $limit } dieses Zoomgram-Servers. Sie wurde daher nicht zugestellt. In Zoom kannst du sie dir weiterhin ansehen.
delivery-sent-as-link = 🔗 Diese Datei lässt sich nicht über Telegram senden ({ $reason }), deshalb hier ein Link: { $url }
delivery-video-as-document = 🎬 Aus dieser Aufzeichnung ließ sich keine Tonspur gewinnen, deshalb kommt hier die Videodatei.
delivery-failed = ❌ Die Aufzeichnung „{ $topic }“ konnte auch nach mehreren Versuchen nicht zugestellt werden. Grund: { $reason }
delivery-chat-paused = Die Zustellung an Chat { $chat_id } ist pausiert: Der Bot wurde blockiert oder aus dem Chat entfernt.

## Gründe in einfachen Worten (werden als { $reason } eingesetzt; ohne Schlusspunkt)

reason-zoom-unreachable = Zoom war nicht erreichbar
reason-zoom-rate-limited = Zoom hat uns gebremst; wir versuchen es später erneut
reason-zoom-access-rejected = Zoom hat unseren Zugriff abgelehnt; bitte sende /connect, um dich neu zu verbinden
reason-recording-not-found = die Aufzeichnung wurde in Zoom gelöscht oder ist nicht mehr auffindbar
reason-download-corrupted = der Download von Zoom war fehlerhaft (Zoom hat eine Webseite geschickt oder die Datei abgeschnitten)
reason-telegram-file-too-large = Telegram hat die Datei abgelehnt, weil sie zu groß ist
reason-file-over-upload-limit = die Datei ist größer, als Telegram annimmt ({ $limit }), und dieser Server kann sie nicht verkleinern
reason-telegram-unreachable = Telegram war nicht erreichbar
reason-unknown = ein unerwarteter Fehler ist aufgetreten
reason-server-storage = dieser Server konnte die Aufnahme nicht zwischenspeichern (sein Medienordner ist voll oder nicht beschreibbar)
reason-speech-failed = die Spracherkennung konnte das Audio nicht transkribieren
reason-summary-never-came = es kam rechtzeitig keine Zusammenfassung, daher warten wir nicht länger darauf

## Meeting-Karte (eine Nachricht pro Meeting, wird laufend aktualisiert)

card-title = 🎥 { $topic } · { $date }
card-stage-received = 📥 Aufzeichnung empfangen
card-stage-downloading = ⬇️ Wird von Zoom heruntergeladen …
card-stage-uploading = ⬆️ Wird an Telegram gesendet …
card-stage-done = ✅ Alles fertig
card-stage-problem = ⚠️ Fertig, aber nicht alles konnte zugestellt werden
card-stage-waiting = ⏳ Wartet, neuer Versuch später
card-line-audio = 🎧 Audio: { $status }
card-line-transcript = 📝 Transkript: { $status }
card-line-summary = 🧠 Zusammenfassung: { $status }
card-line-chat = 💬 Meeting-Chat: { $status }
card-trash-moved = 🗑 In den Zoom-Papierkorb verschoben, um Cloud-Speicher freizugeben. Wiederherstellen innerhalb von 30 Tagen: Zoom-Webportal → Aufzeichnungen → Papierkorb → Wiederherstellen.
card-trash-scope-missing = 🗑 Noch in deiner Zoom-Cloud: Zoomgram darf keine Aufzeichnungen in den Papierkorb verschieben. Der Betreiber ergänzt die Zoom-App um den Scope cloud_recording:delete:meeting_recording (klassisch: recording:write); sende danach erneut /connect und bestätige ihn. Oder schalte den Papierkorb in /settings aus.
card-trash-refused = 🗑 Noch in deiner Zoom-Cloud: Zoom hat das Verschieben in den Papierkorb abgelehnt. Prüfe im Zoom-Webportal, ob du diese Aufzeichnung löschen darfst, oder schalte den Papierkorb in /settings aus.
card-zoom-trashed = 🗑 Die Aufzeichnung wurde in Zoom in den Papierkorb verschoben, bevor sie zugestellt werden konnte; stelle sie innerhalb von 30 Tagen in Zoom wieder her, um sie zu erhalten.
card-zoom-deleted = 🗑 Die Aufzeichnung wurde in Zoom endgültig gelöscht, bevor sie zugestellt werden konnte; was noch nicht angekommen ist, kann nicht mehr gesendet werden.
card-zoom-recovered = ♻️ Die Aufzeichnung wurde in Zoom wiederhergestellt; was noch fehlte, ist unterwegs.
card-status-pending = ausstehend
card-status-in-progress = läuft …
card-status-done = ✓ fertig
card-transcript-source-zoom = Zoom
card-transcript-source-stt = Spracherkennung
card-status-failed = ✗ fehlgeschlagen: { $reason }
card-status-not-available = nicht verfügbar
card-status-waiting = ⏳ wartet, neuer Versuch später
card-button-resend-audio = 🔁 Audio erneut senden
card-button-get-transcript = 📄 Transkript abrufen
callback-resend-queued = Das Audio ist unterwegs.
callback-transcript-queued = Das Transkript ist unterwegs.
callback-transcript-unavailable = Für dieses Meeting gibt es kein Transkript.
callback-expired = Diese Aufzeichnung ist nicht mehr verfügbar.

## Transkript und Zusammenfassung

transcript-caption = 📝 Transkript: { $topic }
transcript-caption-stt = 📝 Transkript (Spracherkennung): { $topic }
chat-file-caption = 💬 Meeting-Chat: { $topic }
chat-file-title = Chat
transcript-meta-source-stt = Automatisch aus dem Audio transkribiert
transcript-title = Transkript
transcript-unknown-speaker = Unbekannte Person
transcript-meta-meeting = Meeting: { $topic }
transcript-meta-date = Datum: { $date }
transcript-meta-duration = Dauer: { $duration }
summary-header = 🧠 Zusammenfassung: { $topic }
summary-title = Zusammenfassung
summary-overview = Überblick
summary-key-points = Wichtigste Punkte
summary-next-steps = Nächste Schritte
summary-speaking-time = Redezeit
summary-speaking-time-item = { $speaker }: { $duration } ({ $share })
summary-source-zoom = Zusammenfassung von Zoom AI Companion
summary-source-generated = Automatisch aus dem Transkript erstellt
summary-decisions = Entscheidungen
summary-action-items = Aufgaben
summary-open-questions = Offene Fragen

## Betreiber-Meldungen (ADMIN_CHAT_ID)

admin-job-dead = 🚨 Job { $job_id } ({ $kind }) ist endgültig fehlgeschlagen: { $reason }
admin-webhook-verification-failures =
    ⚠️ { $count ->
        [one] { $count } Zoom-Webhook-Anfrage hat
       *[other] { $count } Zoom-Webhook-Anfragen haben
    } in { $minutes ->
        [one] der letzten Minute
       *[other] den letzten { $minutes } Minuten
    } die Signaturprüfung nicht bestanden. Prüfe ZOOM_WEBHOOK_SECRET – oder jemand schickt gefälschte Anfragen.
admin-alerts-suppressed =
    { $count ->
        [one] { $count } weitere Meldung dieser Art wurde
       *[other] { $count } weitere Meldungen dieser Art wurden
    } in { $minutes ->
        [one] der letzten Minute
       *[other] den letzten { $minutes } Minuten
    } zurückgehalten.

## HTML-Seiten der Verbindung (/zoom/connect, /zoom/callback)

page-link-invalid-title = Dieser Link ist ungültig
page-link-invalid-body = Der Link ist beschädigt oder stammt nicht von Zoomgram. Geh zurück zu Telegram und sende /connect, um einen neuen zu bekommen.
page-link-expired-title = Dieser Link ist abgelaufen
page-link-expired-body = Verbindungslinks gelten nur kurze Zeit. Geh zurück zu Telegram und sende erneut /connect, um einen frischen Link zu bekommen.
page-connected-title = Zoom ist verbunden
page-connected-body = Du bist verbunden als { $email }. Du kannst diese Seite schließen und zu Telegram zurückkehren: Neue Cloud-Aufzeichnungen kommen in deinem Chat an.
page-access-denied-title = Verbindung abgebrochen
page-access-denied-body = Zoomgram wurde in Zoom nicht erlaubt, daher wurde nichts verbunden. Falls das ein Versehen war, sende /connect in Telegram und versuch es noch einmal.
page-state-invalid-title = Diese Anmeldung lässt sich nicht abschließen
page-state-invalid-body = Dieser Anmeldeversuch wurde bereits verwendet oder ist nicht mehr gültig. Geh zurück zu Telegram und sende /connect, um neu zu beginnen.
page-failed-title = Etwas ist schiefgelaufen
page-failed-body = Wir konnten die Verbindung mit Zoom nicht abschließen. Bitte versuch es mit /connect in Telegram noch einmal. Falls es weiterhin fehlschlägt, gib dem Betreiber diese Referenz: { $ref }
page-rate-limited-title = Zu viele Versuche
page-rate-limited-body = Bitte warte eine Minute und versuch es dann noch einmal.
page-back-to-telegram = Zurück zu Telegram

## Issue #13: the connect link proves who is connecting
connect-anonymous-admin = Anonyme Administratoren können Zoom nicht verbinden: Telegram verrät mir nicht, wer du bist. Bitte sende /connect unter deinem eigenen Namen (schalte „Anonym bleiben“ kurz aus) oder in einem privaten Chat mit mir.
page-confirm-title = Zoom mit Telegram verbinden
page-confirm-body =
    { $requester } möchte die Cloud-Aufnahmen des Zoom-Kontos, das du gleich freigibst, in die Telegram-Gruppe „{ $chat_title }“ liefern lassen.

    Fahre nur fort, wenn du das bist und die Gruppe stimmt.
page-confirm-private-title = Zoom mit Telegram verbinden
page-confirm-private-body =
    { $requester } möchte die Cloud-Aufnahmen des Zoom-Kontos, das du gleich freigibst, in den privaten Chat mit dem Bot liefern lassen.

    Fahre nur fort, wenn du das bist.
page-continue-to-zoom = Weiter zu Zoom
page-identity-missing-title = Öffne diesen Link aus Telegram
page-identity-missing-body = Dieser Link funktioniert nur über die Schaltfläche in Telegram, die uns sagt, wer sie gedrückt hat. Ein kopierter Link oder ein Druck vor mehr als 10 Minuten gilt nicht. Es wurde nichts verbunden: Geh zurück zu Telegram und drücke die Schaltfläche (oder sende /connect erneut).
page-identity-mismatch-title = Dieser Link gehört nicht dir
page-identity-mismatch-body = Nur wer /connect gesendet hat, kann diese Schaltfläche benutzen. Es wurde nichts verbunden. Um dein eigenes Zoom-Konto zu verbinden, sende selbst /connect.
page-not-admin-title = Nur Gruppen-Admins können verbinden
page-not-admin-body = Du bist kein Administrator dieser Gruppe mehr, daher wurde nichts verbunden. Bitte einen Gruppen-Admin, /connect zu senden.
page-link-used-title = Dieser Link wurde schon benutzt
page-link-used-body = Jeder Verbindungslink startet nur eine Anmeldung. Diesmal wurde nichts verbunden: Geh zurück zu Telegram und sende /connect für einen neuen Link.
admin-token-endpoint-refused = 🚨 Zooms Token-Endpunkt hat eine Token-Erneuerung abgelehnt: { $reason }. Das liegt nicht an den Nutzern (wurde das Client-Secret der Zoom-App geändert? prüfe ZOOM_CLIENT_ID und ZOOM_CLIENT_SECRET). Verbindungen bleiben bestehen, Erneuerungen werden wiederholt; kein Chat wurde gebeten, sich neu zu verbinden.
## /import (past recordings)

import-error-usage =
    So importierst du frühere Aufzeichnungen:
    /import 2026-01-01 – von diesem Tag bis heute
    /import 2026-01-01 2026-03-31 – diesen Zeitraum
    /import 30d – die letzten 30 Tage
    Datumsangaben als JJJJ-MM-TT in UTC. Aufzeichnungen, die dieser Chat schon hat, werden übersprungen.
import-error-bad-date = Dieses Datum gibt es nicht. Bitte als JJJJ-MM-TT angeben, z. B. /import 2026-01-15.
import-error-order = Das Startdatum liegt nach dem Enddatum. Bitte tausche die beiden.
import-error-future = Dieser Zeitraum hat noch nicht begonnen. Bitte wähle ein Startdatum bis heute.
import-error-too-long = Dieser Zeitraum ist länger als zehn Jahre. Bitte wähle einen kürzeren.
import-not-connected = Dieser Chat ist noch nicht mit Zoom verbunden. Sende zuerst /connect, dann /import.
import-already-running = In diesem Chat läuft bereits ein Import ({ $from } – { $to }). Warte, bis er fertig ist, oder brich ihn mit der Schaltfläche in seiner Fortschrittsnachricht ab.
import-state-listing = 📥 Importiere Aufzeichnungen vom { $from } bis { $to }: suche sie in Zoom…
import-state-delivering = 📥 Importiere Aufzeichnungen vom { $from } bis { $to }: stelle zu, die ältesten zuerst…
import-state-done = ✅ Import abgeschlossen ({ $from } – { $to }).
import-state-cancelled = ⏹ Import abgebrochen ({ $from } – { $to }). Aufzeichnungen, die schon unterwegs sind, kommen trotzdem an.
import-state-failed = ⚠️ Import angehalten ({ $from } – { $to }): Zoom hat wiederholt Fehler gemeldet. Sende /import später noch einmal; bereits zugestellte Aufzeichnungen werden übersprungen.
import-counts = Gefunden: { $found } · Zugestellt: { $delivered } · Übersprungen (schon hier): { $skipped }
import-counts-failed = Fehlgeschlagen: { $failed } (siehe die Statusnachricht des jeweiligen Meetings)
import-button-cancel = ⏹ Import abbrechen
import-nothing-to-cancel = Es gibt keinen Import zum Abbrechen.
import-cancelled-toast = Import abgebrochen.

## /settings (eine Nachricht, die aktualisiert wird)

settings-title = ⚙️ Einstellungen für diesen Chat
settings-parts = 📦 Was ankommt: { $parts }
settings-parts-none = nichts
settings-part-audio = Audio
settings-part-video = Video
settings-part-transcript = Transkript
settings-part-summary = Zusammenfassung
settings-part-chat = Zoom-Chat
settings-meetings-all = 🎯 Welche Meetings: alle
settings-meetings-contains = 🎯 Welche Meetings: Thema enthält „{ $phrase }“
settings-meetings-excludes = 🎯 Welche Meetings: Thema enthält nicht „{ $phrase }“
settings-trash-on = 🗑 Nach der Zustellung: in den Zoom-Papierkorb verschoben
settings-trash-off = 🗑 Nach der Zustellung: bleibt in der Zoom-Cloud
settings-trash-explain = „Papierkorb nach Zustellung“ verschiebt die Cloud-Aufzeichnung eines Meetings in den Zoom-Papierkorb, sobald alles, was dieser Chat davon erhält, vollständig angekommen ist. In Zoom lässt sie sich 30 Tage lang wiederherstellen, danach löscht Zoom sie.
settings-destination-here = 📍 Zustellung an: diesen Chat
settings-destination-topic = 📍 Zustellung an: das Thema, in dem /connect gesendet wurde
settings-destination-chat = 📍 Zustellung an: { $title }
settings-destination-paused = ⏸ Zustellungen sind pausiert: { $reason }
settings-language = 🌐 Sprache: { $language }
settings-button-on = ✅ { $part }
settings-button-off = ⬜ { $part }
settings-button-selected = • { $label }
settings-button-all = Alle Meetings
settings-button-contains = Thema enthält…
settings-button-excludes = Thema enthält nicht…
settings-button-trash-on = 🗑 Papierkorb nach Zustellung: an
settings-button-trash-off = 🗑 Papierkorb nach Zustellung: aus
settings-button-destination = 📣 An einen Kanal oder eine Gruppe zustellen…
settings-button-destination-here = ↩️ An diesen Chat zustellen
settings-button-language = 🌐 Sprache
settings-button-back = ⬅️ Zurück
settings-topic-prompt-contains = Antworte auf diese Nachricht mit dem Ausdruck, den das Thema eines Meetings enthalten muss.
settings-topic-prompt-excludes = Antworte auf diese Nachricht mit dem Ausdruck, den das Thema eines Meetings nicht enthalten darf.
settings-topic-saved = ✅ Gespeichert. { $filter }
settings-topic-usage = Meetings nach Thema auswählen: /settings topic contains <Ausdruck>, /settings topic excludes <Ausdruck> oder /settings topic all. /settings allein zeigt alle Einstellungen.
settings-this-chat = dieser Chat
settings-destination-pick = Wähle mit einer Schaltfläche unten den Kanal oder die Gruppe, die die Aufzeichnungen erhalten soll. Ich muss dort posten dürfen, und du musst dort Administrator sein.
settings-destination-pick-for = Wähle mit einer Schaltfläche unten den Kanal oder die Gruppe, die die Aufzeichnungen von { $chat } erhalten soll. Ich muss dort posten dürfen, und du musst dort Administrator sein.
settings-destination-pick-channel = 📣 Kanal wählen
settings-destination-pick-group = 👥 Gruppe wählen
settings-destination-cancel = Abbrechen
settings-destination-cancelled = OK, nichts geändert.
settings-destination-sent-private = Ich habe dir privat geschrieben: Wähle dort den Kanal oder die Gruppe.
settings-destination-need-private = Öffne bitte zuerst einen privaten Chat mit mir und tippe auf Start, dann tippe noch einmal auf diese Schaltfläche.
settings-destination-set = ✅ Aufzeichnungen von { $chat } gehen jetzt an { $title }.
settings-destination-set-notice = 📣 Ab jetzt werden die Zoom-Aufzeichnungen dieses Chats in { $title } gepostet. Ein Administrator kann das mit /settings ändern.
settings-destination-topic-set = 📌 Aufzeichnungen werden in diesem Thema gepostet.
settings-destination-bot-missing = Ich bin nicht in { $title }. Füge mich dort zuerst hinzu (in einem Kanal als Administrator, der Nachrichten posten darf) und wähle ihn dann erneut.
settings-destination-bot-cannot-post = Ich kann in { $title } nicht posten. Mach mich dort zum Administrator mit dem Recht, Nachrichten zu posten, und wähle ihn dann erneut.
settings-destination-not-admin = Du bist kein Administrator von { $title }, daher sende ich für dich keine Aufzeichnungen dorthin.
settings-destination-not-admin-of-origin = Du bist kein Administrator von { $chat } mehr, daher bleibt das Ziel unverändert.
status-settings-header = ⚙️ Einstellungen (ändern mit /settings):
destination-paused-notice = ⏸ Zustellungen sind pausiert: { $reason }. Ein Administrator kann mit /settings wählen, wohin sie gehen.
reason-topic-closed = das Forenthema, in das sie gehen, wurde geschlossen
reason-topic-deleted = das Forenthema, in das sie gehen, wurde gelöscht
reason-destination-lost = ich kann nicht mehr in { $title } posten
admin-webhook-overloaded = ⚠️ Zoom-Webhooks werden mit 503 abgewiesen: der älteste unverarbeitete wartet seit { $seconds } s. Zoom wiederholt sie nach 5, 20 und 60 Minuten. Prüfe, ob Worker-Prozesse laufen und hinterherkommen.
