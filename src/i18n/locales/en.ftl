# Zoomgram — English (source locale; every other locale mirrors these keys).
#
# All messages are PLAIN TEXT: send them without parse_mode. Variables carry
# user-controlled text (meeting topics, chat titles, emails), so keeping the
# messages free of HTML/Markdown means nothing ever needs escaping and a "<"
# in a topic can never break a Telegram message.
# Dates, durations and sizes arrive preformatted (src/i18n/format.ts), so the
# Zoom user's time zone is honoured; only counts are passed as numbers.

## Bot command descriptions (setMyCommands; Telegram allows up to 256 characters)

cmd-start = Start here: what Zoomgram does
cmd-help = How it works and all commands
cmd-connect = Connect your Zoom account to this chat
cmd-status = Connection and delivery status
cmd-disconnect = Disconnect Zoom from this chat
cmd-language = Change the language
cmd-history = Recent recordings and their delivery
cmd-import = Deliver past recordings of a period
cmd-settings = Choose what arrives here, from which meetings, and where

## /start and /help

start-text =
    👋 Hi! I'm Zoomgram.

    I send your Zoom cloud recordings straight to this chat: first the audio, then the transcript and a summary, each labelled with the meeting's topic and start time.

    To begin, send /connect and approve Zoomgram in Zoom. That's all: every new cloud recording will arrive here on its own.
start-connected =
    👋 Welcome back! This chat is connected to Zoom as { $email }.

    New cloud recordings will arrive here automatically. Send /status to check the connection or /help to see everything I can do.
help-text =
    Zoomgram delivers your Zoom cloud recordings to Telegram.

    Commands:
    /connect — connect your Zoom account to this chat
    /status — connection, Zoom availability and recent deliveries
    /history — recent recordings and what happened to them
    /import — deliver past recordings, e.g. /import 30d
    /settings — what arrives here, from which meetings, and where
    /language — change the language
    /disconnect — stop deliveries and disconnect Zoom
    /help — this message

    How delivery works: when Zoom finishes processing a cloud recording, I send the audio first, then the transcript and a summary as soon as Zoom has them. Long recordings arrive in several parts. Each meeting gets one status message that updates as parts arrive.

    Groups work too: add me to a group and have a group admin send /connect there. Recordings then go to the whole group. Each Zoom account delivers to one chat at a time, so connecting in another chat moves delivery there.

## Errors and refusals

error-generic = 😕 Something went wrong on our side. Please try again in a minute.
error-generic-ref = 😕 Something went wrong on our side. Please try again in a minute. If it keeps happening, share this reference with the operator: { $ref }
error-group-admin-only = Only admins of this group can do that. Please ask a group admin to send the command.
error-too-many-requests = That was a lot of requests at once. Please wait a moment and try again.

## /connect

connect-prompt =
    Tap the button below to connect your Zoom account. Zoom will ask you to approve Zoomgram; after that, your cloud recordings will arrive in this chat.

    The link is valid for { $minutes ->
        [one] { $minutes } minute
       *[other] { $minutes } minutes
    } and works only once.
connect-button = Connect Zoom
connect-button-reconnect = Reconnect Zoom
connect-already-connected =
    You're already connected to Zoom as { $email }.

    To connect again — for example with another Zoom account — use the button below. Reconnecting from this chat moves delivery of new recordings here.

## Results of the connect flow, told in the chat

connect-success = ✅ Connected to Zoom as { $email }. New cloud recordings will arrive in this chat.
connect-moved-away = ↪️ Recordings of the Zoom account { $email } are now delivered to “{ $chat_title }”. This chat will no longer receive them.
connect-moved-away-private = ↪️ Recordings of the Zoom account { $email } are now delivered to a private chat with me. This chat will no longer receive them.
connect-broken = ⚠️ The connection to Zoom ({ $email }) has stopped working: Zoom no longer accepts our access. Please send /connect to connect again. Until then, new recordings can't be delivered.

## /status

status-header = 📊 Zoomgram status
status-connected = 🔗 Connected to Zoom as { $email }
status-connected-since = 📅 Connected since { $date }
status-zoom-reachable = 🟢 Zoom is reachable ({ $ms } ms)
status-zoom-unreachable = 🔴 Zoom can't be reached right now: { $reason }
status-recent-header = Recent deliveries:
status-recent-item = • { $topic } — { $date } — { $state }
status-recent-empty = No recordings delivered yet.
status-jobs-pending =
    { $count ->
        [0] ⏳ Nothing is waiting in the queue.
        [one] ⏳ { $count } task is waiting in the queue.
       *[other] ⏳ { $count } tasks are waiting in the queue.
    }
status-not-connected = This chat isn't connected to Zoom yet. Send /connect to connect your Zoom account, and your cloud recordings will arrive here.

## /disconnect

disconnect-confirm = Disconnect the Zoom account { $email } from this chat? New recordings will no longer be delivered.
disconnect-button-confirm = Yes, disconnect
disconnect-button-cancel = Cancel
disconnect-cancelled = OK, nothing changed. You're still connected.
disconnect-done = ✅ Disconnected. Zoomgram no longer has access to your Zoom account, and no more recordings will be delivered here. Send /connect any time to connect again.
disconnect-done-local-only = ✅ Disconnected here, but Zoom couldn't be reached to withdraw our access. We've deleted your tokens, so Zoomgram can no longer use your account. To be thorough, you can also remove Zoomgram from your Zoom account under “Added Apps” in the Zoom App Marketplace.
disconnect-nothing = There's nothing to disconnect: this chat isn't connected to Zoom.

## Deauthorization (the user removed the app in Zoom)

deauthorized = Zoomgram was removed from the Zoom account connected to this chat, so deliveries have stopped and we've deleted your tokens and data. Send /connect if you'd like to use Zoomgram again.

## /language

language-prompt = 🌐 Choose your language:
language-changed = ✅ Done! From now on I'll speak { $language }.

## /history and meeting states

history-header = 🗂 Recent recordings:
history-item = • { $topic } — { $date }: { $state }
history-empty = No recordings yet. They'll show up here once Zoom sends the first one.
history-item-numbered = { $index }. { $topic } — { $date }: { $state }
history-button-resend = 🔁 { $index }
history-resend-hint = Tap a number to get that recording's audio again.
meeting-untitled = Untitled meeting
meeting-state-received = received
meeting-state-downloading = downloading
meeting-state-uploading = sending to Telegram
meeting-state-delivered = delivered
meeting-state-failed = failed
meeting-state-waiting = waiting, will retry later
meeting-state-skipped = skipped (the chat was told why)

## Delivery

delivery-caption-topic = 🎙 { $topic }
delivery-caption-date = 🗓 Started: { $date }
delivery-caption-duration = ⏱ Duration: { $duration }
delivery-caption-host = 👤 Host: { $host }
delivery-caption-summary = 🧠 { $summary }
delivery-part = Part { $index }/{ $total }
delivery-too-large-to-download = 📦 The recording of “{ $topic }” is { $size }, over this Zoomgram server's { $limit } limit, so it wasn't delivered. You can still watch it in Zoom.
delivery-sent-as-link = 🔗 This file can't be sent through Telegram ({ $reason }), so here is a link instead: { $url }
delivery-video-as-document = 🎬 No audio could be extracted from this recording, so here is the video file instead.
delivery-failed = ❌ The recording of “{ $topic }” couldn't be delivered, even after several attempts. Reason: { $reason }
delivery-chat-paused = Delivery to chat { $chat_id } is paused: the bot was blocked or removed from that chat.

## Reasons, in plain words (inserted as { $reason } above; no final period)

reason-zoom-unreachable = Zoom couldn't be reached
reason-zoom-rate-limited = Zoom asked us to slow down; we'll try again later
reason-zoom-access-rejected = Zoom refused our access; please send /connect to connect again
reason-recording-not-found = the recording was deleted in Zoom or can no longer be found
reason-download-corrupted = the download from Zoom was broken (Zoom sent a web page or cut the file short)
reason-telegram-file-too-large = Telegram refused the file because it is too large
reason-file-over-upload-limit = the file is larger than Telegram accepts ({ $limit }) and this server can't make it smaller
reason-telegram-unreachable = Telegram couldn't be reached
reason-unknown = an unexpected error occurred
reason-server-storage = this server couldn't store the recording temporarily (its media folder is full or not writable)
reason-speech-failed = speech to text couldn't transcribe the audio
reason-summary-never-came = no summary came in time, so we stopped waiting for one

## Meeting card (one message per meeting, edited as parts arrive)

card-title = 🎥 { $topic } · { $date }
card-stage-received = 📥 Recording received
card-stage-downloading = ⬇️ Downloading from Zoom…
card-stage-uploading = ⬆️ Sending to Telegram…
card-stage-done = ✅ All done
card-stage-problem = ⚠️ Finished, but not everything could be delivered
card-stage-waiting = ⏳ Waiting, will retry later
card-line-audio = 🎧 Audio: { $status }
card-line-transcript = 📝 Transcript: { $status }
card-line-summary = 🧠 Summary: { $status }
card-line-chat = 💬 Meeting chat: { $status }
card-trash-moved = 🗑 Moved to Zoom's trash to free cloud storage. To restore it within 30 days: Zoom web portal → Recordings → Trash → Recover.
card-trash-scope-missing = 🗑 Still in your Zoom cloud: Zoomgram may not move recordings to the trash. The operator adds the scope cloud_recording:delete:meeting_recording (classic: recording:write) to the Zoom app; then send /connect again to approve it. Or turn trash off in /settings.
card-trash-refused = 🗑 Still in your Zoom cloud: Zoom refused to move it to the trash. Check in the Zoom web portal that you may delete this recording, or turn trash off in /settings.
card-zoom-trashed = 🗑 The recording was moved to the trash in Zoom before it could be delivered; restore it in Zoom within 30 days to receive it.
card-zoom-deleted = 🗑 The recording was deleted permanently in Zoom before it could be delivered; what had not arrived cannot be sent any more.
card-zoom-recovered = ♻️ The recording was restored in Zoom; what was missing is on its way.
card-status-pending = waiting
card-status-in-progress = in progress…
card-status-done = ✓ done
card-transcript-source-zoom = Zoom
card-transcript-source-stt = speech to text
card-status-failed = ✗ failed: { $reason }
card-status-not-available = not available
card-status-waiting = ⏳ waiting, will retry later
card-button-resend-audio = 🔁 Resend audio
card-button-get-transcript = 📄 Get transcript
callback-resend-queued = The audio is on its way.
callback-transcript-queued = The transcript is on its way.
callback-transcript-unavailable = The transcript isn't available for this meeting.
callback-expired = This recording is no longer available.

## Transcript and summary

transcript-caption = 📝 Transcript: { $topic }
transcript-caption-stt = 📝 Transcript (speech to text): { $topic }
chat-file-caption = 💬 Meeting chat: { $topic }
# File name label of Zoom's in-meeting chat: "2026-03-01 Weekly sync - Chat.txt".
chat-file-title = Chat
transcript-meta-source-stt = Transcribed automatically from the audio
transcript-title = Transcript
transcript-unknown-speaker = Unknown speaker
transcript-meta-meeting = Meeting: { $topic }
transcript-meta-date = Date: { $date }
transcript-meta-duration = Duration: { $duration }
summary-header = 🧠 Summary: { $topic }
summary-title = Summary
summary-overview = Overview
summary-key-points = Key points
summary-next-steps = Next steps
summary-speaking-time = Speaking time
summary-speaking-time-item = { $speaker }: { $duration } ({ $share })
summary-source-zoom = Summary by Zoom AI Companion
summary-source-generated = Generated automatically from the transcript
summary-decisions = Decisions
summary-action-items = Action items
summary-open-questions = Open questions

## Operator alerts (sent to ADMIN_CHAT_ID)

admin-job-dead = 🚨 Job { $job_id } ({ $kind }) failed for good: { $reason }
admin-webhook-verification-failures =
    ⚠️ { $count ->
        [one] { $count } Zoom webhook request
       *[other] { $count } Zoom webhook requests
    } failed signature verification in the last { $minutes ->
        [one] { $minutes } minute
       *[other] { $minutes } minutes
    }. Check ZOOM_WEBHOOK_SECRET, or someone may be sending forged requests.
admin-alerts-suppressed =
    { $count ->
        [one] { $count } more alert like this was held back
       *[other] { $count } more alerts like this were held back
    } in the last { $minutes ->
        [one] { $minutes } minute
       *[other] { $minutes } minutes
    }.

## HTML pages of the connect flow (/zoom/connect, /zoom/callback)

page-link-invalid-title = This link isn't valid
page-link-invalid-body = The link is damaged or wasn't created by Zoomgram. Go back to Telegram and send /connect to get a new one.
page-link-expired-title = This link has expired
page-link-expired-body = Connect links only work for a short time. Go back to Telegram and send /connect again to get a fresh one.
page-connected-title = Zoom is connected
page-connected-body = You're connected as { $email }. You can close this page and return to Telegram: new cloud recordings will arrive in your chat.
page-access-denied-title = Connection cancelled
page-access-denied-body = Zoomgram wasn't approved in Zoom, so nothing was connected. If that was a mistake, send /connect in Telegram and try again.
page-state-invalid-title = This sign-in can't be completed
page-state-invalid-body = This sign-in attempt was already used or is no longer valid. Go back to Telegram and send /connect to start again.
page-failed-title = Something went wrong
page-failed-body = We couldn't finish connecting Zoom. Please try again with /connect in Telegram. If it keeps failing, give the operator this reference: { $ref }
page-rate-limited-title = Too many attempts
page-rate-limited-body = Please wait a minute, then try again.
page-back-to-telegram = Back to Telegram

## Issue #13: the connect link proves who is connecting
connect-anonymous-admin = Anonymous administrators can't connect Zoom: Telegram can't tell me who you are. Please send /connect under your own name (turn off “Remain anonymous” for a moment) or in a private chat with me.
page-confirm-title = Connect Zoom to Telegram
page-confirm-body =
    { $requester } asked to deliver the cloud recordings of the Zoom account you are about to approve to the Telegram group “{ $chat_title }”.

    Continue only if that is you and this is the right group.
page-confirm-private-title = Connect Zoom to Telegram
page-confirm-private-body =
    { $requester } asked to deliver the cloud recordings of the Zoom account you are about to approve to their private chat with the bot.

    Continue only if that is you.
page-continue-to-zoom = Continue to Zoom
page-identity-missing-title = Open this link from Telegram
page-identity-missing-body = This link only works from the button in Telegram, which tells us who pressed it. A copied link, or a press more than 10 minutes ago, can't be used. Nothing was connected: go back to Telegram and press the button (or send /connect again).
page-identity-mismatch-title = This link isn't yours
page-identity-mismatch-body = Only the person who sent /connect can use this button. Nothing was connected. If you want to connect your own Zoom account, send /connect yourself.
page-not-admin-title = Only group admins can connect
page-not-admin-body = You are no longer an administrator of this group, so nothing was connected. Ask a group admin to send /connect.
page-link-used-title = This link was already used
page-link-used-body = Each connect link can start one sign-in only. Nothing was connected this time: go back to Telegram and send /connect to get a new link.
admin-token-endpoint-refused = 🚨 Zoom's token endpoint refused a token refresh: { $reason }. This is not the users' doing (was the Zoom app's client secret rotated? check ZOOM_CLIENT_ID and ZOOM_CLIENT_SECRET). Connections are kept and refreshes are retried; no chat was asked to reconnect.
## /import (past recordings)

import-error-usage =
    How to import past recordings:
    /import 2026-01-01 — from that day until today
    /import 2026-01-01 2026-03-31 — that period
    /import 30d — the last 30 days
    Dates are YYYY-MM-DD in UTC. Recordings this chat already has are skipped.
import-error-bad-date = That date does not exist. Please use YYYY-MM-DD, e.g. /import 2026-01-15.
import-error-order = The start date is after the end date. Please swap them.
import-error-future = That period has not started yet. Please pick a start date that is today or earlier.
import-error-too-long = That period is longer than ten years. Please choose a shorter one.
import-not-connected = This chat is not connected to Zoom yet. Send /connect first, then /import.
import-already-running = An import is already running in this chat ({ $from } – { $to }). Wait for it to finish or cancel it with the button on its progress message.
import-state-listing = 📥 Importing recordings from { $from } to { $to }: looking them up in Zoom…
import-state-delivering = 📥 Importing recordings from { $from } to { $to }: delivering, oldest first…
import-state-done = ✅ Import finished ({ $from } – { $to }).
import-state-cancelled = ⏹ Import cancelled ({ $from } – { $to }). Recordings already on their way still arrive.
import-state-failed = ⚠️ Import stopped ({ $from } – { $to }): Zoom kept failing. Send /import again later; recordings already delivered are skipped.
import-counts = Found: { $found } · Delivered: { $delivered } · Skipped (already here): { $skipped }
import-counts-failed = Failed: { $failed } (see each meeting's status message)
import-button-cancel = ⏹ Cancel import
import-nothing-to-cancel = There is no import to cancel.
import-cancelled-toast = Import cancelled.

## /settings (one message, edited in place)

settings-title = ⚙️ Settings for this chat
settings-parts = 📦 What arrives: { $parts }
settings-parts-none = nothing
settings-part-audio = Audio
settings-part-video = Video
settings-part-transcript = Transcript
settings-part-summary = Summary
settings-part-chat = Zoom chat
settings-meetings-all = 🎯 Which meetings: all
settings-meetings-contains = 🎯 Which meetings: topic contains “{ $phrase }”
settings-meetings-excludes = 🎯 Which meetings: topic does not contain “{ $phrase }”
settings-trash-on = 🗑 After delivery: moved to Zoom's trash
settings-trash-off = 🗑 After delivery: kept in Zoom's cloud
settings-trash-explain = Trash after delivery moves a meeting's cloud recording to Zoom's trash once everything this chat receives of it has arrived intact. You can recover it in Zoom for 30 days; after that Zoom deletes it.
settings-destination-here = 📍 Deliveries go to: this chat
settings-destination-topic = 📍 Deliveries go to: the topic where /connect was sent
settings-destination-chat = 📍 Deliveries go to: { $title }
settings-destination-paused = ⏸ Deliveries are paused: { $reason }
settings-language = 🌐 Language: { $language }
settings-button-on = ✅ { $part }
settings-button-off = ⬜ { $part }
settings-button-selected = • { $label }
settings-button-all = All meetings
settings-button-contains = Topic contains…
settings-button-excludes = Topic doesn't contain…
settings-button-trash-on = 🗑 Trash after delivery: on
settings-button-trash-off = 🗑 Trash after delivery: off
settings-button-destination = 📣 Deliver to a channel or group…
settings-button-destination-here = ↩️ Deliver to this chat
settings-button-language = 🌐 Language
settings-button-back = ⬅️ Back
settings-topic-prompt-contains = Reply to this message with the phrase a meeting's topic must contain.
settings-topic-prompt-excludes = Reply to this message with the phrase a meeting's topic must not contain.
settings-topic-saved = ✅ Saved. { $filter }
settings-topic-usage = To choose meetings by topic: /settings topic contains <phrase>, /settings topic excludes <phrase>, or /settings topic all. Send /settings alone for all settings.
settings-this-chat = this chat
settings-destination-pick = Pick the channel or group that should receive the recordings with a button below. I must be able to post there, and you must be one of its administrators.
settings-destination-pick-for = Pick the channel or group that should receive the recordings of { $chat } with a button below. I must be able to post there, and you must be one of its administrators.
settings-destination-pick-channel = 📣 Pick a channel
settings-destination-pick-group = 👥 Pick a group
settings-destination-cancel = Cancel
settings-destination-cancelled = OK, nothing changed.
settings-destination-sent-private = I've sent you a private message: pick the channel or group there.
settings-destination-need-private = Please open a private chat with me and press Start first, then press this button again.
settings-destination-set = ✅ Recordings of { $chat } now go to { $title }.
settings-destination-set-notice = 📣 From now on, this chat's Zoom recordings are posted to { $title }. An administrator can change that with /settings.
settings-destination-topic-set = 📌 Recordings will be posted in this topic.
settings-destination-bot-missing = I'm not in { $title }. Add me there first (in a channel: as an administrator allowed to post messages), then pick it again.
settings-destination-bot-cannot-post = I can't post in { $title }. Make me an administrator there with the right to post messages, then pick it again.
settings-destination-not-admin = You aren't an administrator of { $title }, so I won't send recordings there for you.
settings-destination-not-admin-of-origin = You're no longer an administrator of { $chat }, so its destination stays as it was.
status-settings-header = ⚙️ Settings (change them with /settings):
destination-paused-notice = ⏸ Deliveries are paused: { $reason }. An administrator can choose where they go with /settings.
reason-topic-closed = the forum topic they go to was closed
reason-topic-deleted = the forum topic they go to was deleted
reason-destination-lost = I can no longer post in { $title }
admin-webhook-overloaded = ⚠️ Zoom webhooks are being refused with 503: the oldest unprocessed one has waited { $seconds } s. Zoom retries them in 5, 20 and 60 minutes. Check that worker processes are running and keeping up.
