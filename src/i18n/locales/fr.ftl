# Zoomgram — français. Mêmes clés et variables que en.ftl ; tous les messages sont du texte brut.
# Les espaces avant « : ; ! ? » et à l’intérieur des guillemets sont insécables (U+00A0).

## Descriptions des commandes du bot (setMyCommands)

cmd-start = Commencer : ce que fait Zoomgram
cmd-help = Fonctionnement et liste des commandes
cmd-connect = Connecter votre compte Zoom à ce chat
cmd-status = État de la connexion et des envois
cmd-disconnect = Déconnecter Zoom de ce chat
cmd-language = Changer de langue
cmd-history = Enregistrements récents et leur envoi
cmd-import = Envoyer les enregistrements passés d’une période
cmd-settings = Ce qui arrive ici, de quelles réunions, et où

## /start et /help

start-text =
    👋 Bonjour ! Je suis Zoomgram.

    J’envoie vos enregistrements cloud Zoom directement dans ce chat : d’abord l’audio, puis la transcription et un résumé, chacun avec le sujet de la réunion et son heure de début.

    Pour commencer, envoyez /connect et autorisez Zoomgram dans Zoom. C’est tout : chaque nouvel enregistrement cloud arrivera ici automatiquement.
start-connected =
    👋 Bon retour ! Ce chat est connecté à Zoom en tant que { $email }.

    Les nouveaux enregistrements cloud arriveront ici automatiquement. Envoyez /status pour vérifier la connexion ou /help pour voir tout ce que je sais faire.
help-text =
    Zoomgram livre vos enregistrements cloud Zoom dans Telegram.

    Commandes :
    /connect — connecter votre compte Zoom à ce chat
    /status — connexion, disponibilité de Zoom et derniers envois
    /history — enregistrements récents et ce qu’il en est advenu
    /import — envoyer des enregistrements passés, p. ex. /import 30d
    /settings — ce qui arrive ici, de quelles réunions, et où
    /language — changer de langue
    /disconnect — arrêter les envois et déconnecter Zoom
    /help — ce message

    Comment se passe l’envoi : quand Zoom a fini de traiter un enregistrement cloud, je vous envoie d’abord l’audio, puis la transcription et un résumé dès que Zoom les a. Les enregistrements longs arrivent en plusieurs parties. Chaque réunion a un message d’état qui se met à jour au fil des envois.

    Ça marche aussi en groupe : ajoutez-moi à un groupe et demandez à un administrateur d’y envoyer /connect. Les enregistrements iront alors à tout le groupe. Chaque compte Zoom n’envoie que vers un seul chat à la fois : se connecter depuis un autre chat y déplace l’envoi.

## Erreurs et refus

error-generic = 😕 Un problème est survenu de notre côté. Veuillez réessayer dans une minute.
error-generic-ref = 😕 Un problème est survenu de notre côté. Veuillez réessayer dans une minute. Si cela se reproduit, communiquez cette référence à l’opérateur du service : { $ref }
error-group-admin-only = Seuls les administrateurs de ce groupe peuvent faire cela. Demandez à un administrateur d’envoyer la commande.
error-too-many-requests = Trop de demandes à la fois. Patientez un instant, puis réessayez.

## /connect

connect-prompt =
    Appuyez sur le bouton ci-dessous pour connecter votre compte Zoom. Zoom vous demandera d’autoriser Zoomgram ; ensuite, vos enregistrements cloud arriveront dans ce chat.

    Le lien est valable { $minutes ->
        [one] { $minutes } minute
       *[other] { $minutes } minutes
    } et ne fonctionne qu’une seule fois.
connect-button = Connecter Zoom
connect-button-reconnect = Reconnecter Zoom
connect-already-connected =
    Vous êtes déjà connecté à Zoom en tant que { $email }.

    Pour vous reconnecter (par exemple avec un autre compte Zoom), utilisez le bouton ci-dessous. Si vous vous reconnectez depuis ce chat, les nouveaux enregistrements arriveront ici.

## Résultats de la connexion (messages dans le chat)

connect-success = ✅ Connecté à Zoom en tant que { $email }. Les nouveaux enregistrements cloud arriveront dans ce chat.
connect-moved-away = ↪️ Les enregistrements du compte Zoom { $email } sont désormais envoyés dans « { $chat_title } ». Ce chat ne les recevra plus.
connect-moved-away-private = ↪️ Les enregistrements du compte Zoom { $email } sont désormais envoyés dans un chat privé avec moi. Ce chat ne les recevra plus.
connect-broken = ⚠️ La connexion à Zoom ({ $email }) ne fonctionne plus : Zoom n’accepte plus notre accès. Envoyez /connect pour vous reconnecter. D’ici là, les nouveaux enregistrements ne pourront pas être envoyés.

## /status

status-header = 📊 État de Zoomgram
status-connected = 🔗 Connecté à Zoom en tant que { $email }
status-connected-since = 📅 Connecté depuis le { $date }
status-zoom-reachable = 🟢 Zoom est joignable ({ $ms } ms)
status-zoom-unreachable = 🔴 Zoom est injoignable pour le moment : { $reason }
status-recent-header = Derniers envois :
status-recent-item = • { $topic } — { $date } — { $state }
status-recent-empty = Aucun enregistrement envoyé pour l’instant.
status-jobs-pending =
    { $count ->
        [0] ⏳ Rien n’attend dans la file.
        [one] ⏳ { $count } tâche en attente dans la file.
       *[other] ⏳ { $count } tâches en attente dans la file.
    }
status-not-connected = Ce chat n’est pas encore connecté à Zoom. Envoyez /connect pour connecter votre compte Zoom : vos enregistrements cloud arriveront ici.

## /disconnect

disconnect-confirm = Déconnecter le compte Zoom { $email } de ce chat ? Les nouveaux enregistrements ne seront plus envoyés.
disconnect-button-confirm = Oui, déconnecter
disconnect-button-cancel = Annuler
disconnect-cancelled = D’accord, rien n’a changé. Vous êtes toujours connecté.
disconnect-done = ✅ Déconnecté. Zoomgram n’a plus accès à votre compte Zoom et plus aucun enregistrement n’arrivera ici. Envoyez /connect à tout moment pour vous reconnecter.
disconnect-done-local-only = ✅ Déconnecté ici, mais Zoom n’a pas pu être joint pour révoquer notre accès. Nous avons supprimé vos jetons : Zoomgram ne peut donc plus utiliser votre compte. Par précaution, vous pouvez aussi retirer Zoomgram de votre compte Zoom dans « Added Apps » sur le Zoom App Marketplace.
disconnect-nothing = Il n’y a rien à déconnecter : ce chat n’est pas connecté à Zoom.

## Révocation (l’application a été supprimée dans Zoom)

deauthorized = Zoomgram a été retiré du compte Zoom connecté à ce chat : les envois sont donc arrêtés et nous avons supprimé vos jetons et vos données. Envoyez /connect si vous souhaitez utiliser Zoomgram à nouveau.

## /language

language-prompt = 🌐 Choisissez votre langue :
language-changed = ✅ C’est fait ! Langue du bot : { $language }.

## /history et états des réunions

history-header = 🗂 Enregistrements récents :
history-item = • { $topic } — { $date } : { $state }
history-empty = Pas encore d’enregistrement. Ils apparaîtront ici dès que Zoom enverra le premier.
history-item-numbered = { $index }. { $topic } — { $date } : { $state }
history-button-resend = 🔁 { $index }
history-resend-hint = Touchez un numéro pour recevoir à nouveau l’audio de cet enregistrement.
meeting-untitled = Réunion sans titre
meeting-state-received = reçu
meeting-state-downloading = téléchargement en cours
meeting-state-uploading = envoi vers Telegram
meeting-state-delivered = envoyé
meeting-state-failed = échec
meeting-state-waiting = en attente, nouvel essai plus tard
meeting-state-skipped = ignoré (la raison a été indiquée dans le chat)

## Envoi

delivery-caption-topic = 🎙 { $topic }
delivery-caption-date = 🗓 Début : { $date }
delivery-caption-duration = ⏱ Durée : { $duration }
delivery-caption-host = 👤 Organisateur : { $host }
delivery-caption-summary = 🧠 { $summary }
delivery-part = Partie { $index }/{ $total }
delivery-too-large-to-download = 📦 L’enregistrement « { $topic } » pèse { $size }, au-delà de la limite de { $limit } de ce serveur Zoomgram : il n’a donc pas été envoyé. Vous pouvez toujours le regarder dans Zoom.
delivery-sent-as-link = 🔗 Ce fichier ne peut pas être envoyé via Telegram ({ $reason }), voici donc un lien : { $url }
delivery-video-as-document = 🎬 Impossible d’extraire l’audio de cet enregistrement, voici donc le fichier vidéo.
delivery-failed = ❌ L’enregistrement « { $topic } » n’a pas pu être envoyé, même après plusieurs tentatives. Raison : { $reason }
delivery-chat-paused = Les envois vers le chat { $chat_id } sont en pause : le bot a été bloqué ou retiré de ce chat.

## Raisons en termes simples (insérées comme { $reason } ; sans point final)

reason-zoom-unreachable = Zoom n’a pas pu être joint
reason-zoom-rate-limited = Zoom nous a demandé de ralentir ; nous réessaierons plus tard
reason-zoom-access-rejected = Zoom a refusé notre accès ; envoyez /connect pour vous reconnecter
reason-recording-not-found = l’enregistrement a été supprimé dans Zoom ou est introuvable
reason-download-corrupted = le téléchargement depuis Zoom était défectueux (Zoom a renvoyé une page web ou a tronqué le fichier)
reason-telegram-file-too-large = Telegram a refusé le fichier car il est trop volumineux
reason-file-over-upload-limit = le fichier dépasse ce que Telegram accepte ({ $limit }) et ce serveur ne peut pas le réduire
reason-telegram-unreachable = Telegram n’a pas pu être joint
reason-unknown = une erreur inattendue s’est produite
reason-server-storage = ce serveur n’a pas pu stocker temporairement l’enregistrement (son dossier de médias est plein ou protégé en écriture)
reason-speech-failed = la reconnaissance vocale n’a pas pu transcrire l’audio
reason-summary-never-came = aucun résumé n’est arrivé à temps, nous avons donc cessé de l’attendre

## Fiche de la réunion (un message par réunion, mis à jour au fil des envois)

card-title = 🎥 { $topic } · { $date }
card-stage-received = 📥 Enregistrement reçu
card-stage-downloading = ⬇️ Téléchargement depuis Zoom…
card-stage-uploading = ⬆️ Envoi vers Telegram…
card-stage-done = ✅ Tout est prêt
card-stage-problem = ⚠️ Terminé, mais tout n’a pas pu être envoyé
card-stage-waiting = ⏳ En attente, nouvel essai plus tard
card-line-audio = 🎧 Audio : { $status }
card-line-transcript = 📝 Transcription : { $status }
card-line-summary = 🧠 Résumé : { $status }
card-line-chat = 💬 Chat de la réunion : { $status }
card-trash-moved = 🗑 Déplacé dans la corbeille Zoom pour libérer de l’espace cloud. Pour le restaurer sous 30 jours : portail web Zoom → Enregistrements → Corbeille → Récupérer.
card-trash-scope-missing = 🗑 Toujours dans votre cloud Zoom : Zoomgram n’a pas le droit de mettre des enregistrements à la corbeille. L’opérateur ajoute à l’app Zoom le scope cloud_recording:delete:meeting_recording (classique : recording:write) ; renvoyez ensuite /connect pour l’approuver. Ou désactivez la corbeille dans /settings.
card-trash-refused = 🗑 Toujours dans votre cloud Zoom : Zoom a refusé de le mettre à la corbeille. Vérifiez sur le portail web Zoom que vous pouvez supprimer cet enregistrement, ou désactivez la corbeille dans /settings.
card-zoom-trashed = 🗑 L'enregistrement a été mis à la corbeille dans Zoom avant de pouvoir être livré ; restaurez-le dans Zoom dans les 30 jours pour le recevoir.
card-zoom-deleted = 🗑 L'enregistrement a été supprimé définitivement dans Zoom avant de pouvoir être livré ; ce qui n'était pas encore arrivé ne peut plus être envoyé.
card-zoom-recovered = ♻️ L'enregistrement a été restauré dans Zoom ; ce qui manquait est en route.
card-status-pending = en attente
card-status-in-progress = en cours…
card-status-done = ✓ terminé
card-transcript-source-zoom = Zoom
card-transcript-source-stt = reconnaissance vocale
card-status-failed = ✗ échec : { $reason }
card-status-not-available = non disponible
card-status-waiting = ⏳ en attente, nouvel essai plus tard
card-button-resend-audio = 🔁 Renvoyer l’audio
card-button-get-transcript = 📄 Obtenir la transcription
callback-resend-queued = L’audio est en route.
callback-transcript-queued = La transcription est en route.
callback-transcript-unavailable = Aucune transcription n’est disponible pour cette réunion.
callback-expired = Cet enregistrement n’est plus disponible.

## Transcription et résumé

transcript-caption = 📝 Transcription : { $topic }
transcript-caption-stt = 📝 Transcription (reconnaissance vocale) : { $topic }
chat-file-caption = 💬 Chat de la réunion : { $topic }
chat-file-title = Chat
transcript-meta-source-stt = Transcrit automatiquement à partir de l’audio
transcript-title = Transcription
transcript-unknown-speaker = Intervenant inconnu
transcript-meta-meeting = Réunion : { $topic }
transcript-meta-date = Date : { $date }
transcript-meta-duration = Durée : { $duration }
summary-header = 🧠 Résumé : { $topic }
summary-title = Résumé
summary-overview = Vue d’ensemble
summary-key-points = Points clés
summary-next-steps = Prochaines étapes
summary-speaking-time = Temps de parole
summary-speaking-time-item = { $speaker } : { $duration } ({ $share })
summary-source-zoom = Résumé par Zoom AI Companion
summary-source-generated = Généré automatiquement à partir de la transcription
summary-decisions = Décisions
summary-action-items = Actions à mener
summary-open-questions = Questions ouvertes

## Alertes pour l’opérateur (ADMIN_CHAT_ID)

admin-job-dead = 🚨 La tâche { $job_id } ({ $kind }) a définitivement échoué : { $reason }
admin-webhook-verification-failures =
    ⚠️ { $count ->
        [one] { $count } requête de webhook Zoom a échoué
       *[other] { $count } requêtes de webhook Zoom ont échoué
    } à la vérification de signature { $minutes ->
        [one] au cours de la dernière minute
       *[other] au cours des { $minutes } dernières minutes
    }. Vérifiez ZOOM_WEBHOOK_SECRET ; il se peut aussi que quelqu’un envoie des requêtes falsifiées.
admin-alerts-suppressed =
    { $count ->
        [one] { $count } autre alerte de ce type a été retenue
       *[other] { $count } autres alertes de ce type ont été retenues
    } { $minutes ->
        [one] au cours de la dernière minute
       *[other] au cours des { $minutes } dernières minutes
    }.

## Pages HTML de la connexion (/zoom/connect, /zoom/callback)

page-link-invalid-title = Ce lien n’est pas valide
page-link-invalid-body = Le lien est endommagé ou n’a pas été créé par Zoomgram. Retournez dans Telegram et envoyez /connect pour en obtenir un nouveau.
page-link-expired-title = Ce lien a expiré
page-link-expired-body = Les liens de connexion ne fonctionnent que peu de temps. Retournez dans Telegram et envoyez à nouveau /connect pour en obtenir un nouveau.
page-connected-title = Zoom est connecté
page-connected-body = Vous êtes connecté en tant que { $email }. Vous pouvez fermer cette page et retourner dans Telegram : les nouveaux enregistrements cloud arriveront dans votre chat.
page-access-denied-title = Connexion annulée
page-access-denied-body = Zoomgram n’a pas été autorisé dans Zoom, donc rien n’a été connecté. Si c’était une erreur, envoyez /connect dans Telegram et réessayez.
page-state-invalid-title = Impossible de terminer la connexion
page-state-invalid-body = Cette tentative de connexion a déjà été utilisée ou n’est plus valide. Retournez dans Telegram et envoyez /connect pour recommencer.
page-failed-title = Un problème est survenu
page-failed-body = Nous n’avons pas pu terminer la connexion à Zoom. Veuillez réessayer avec /connect dans Telegram. Si le problème persiste, communiquez cette référence à l’opérateur du service : { $ref }
page-rate-limited-title = Trop de tentatives
page-rate-limited-body = Veuillez patienter une minute, puis réessayer.
page-back-to-telegram = Retour à Telegram

## Issue #13: the connect link proves who is connecting
connect-anonymous-admin = Les administrateurs anonymes ne peuvent pas connecter Zoom : Telegram ne me dit pas qui vous êtes. Envoyez /connect sous votre propre nom (désactivez un instant « Rester anonyme ») ou dans une discussion privée avec moi.
page-confirm-title = Connecter Zoom à Telegram
page-confirm-body =
    { $requester } a demandé que les enregistrements cloud du compte Zoom que vous allez autoriser soient livrés au groupe Telegram « { $chat_title } ».

    Continuez seulement si c'est vous et si c'est le bon groupe.
page-confirm-private-title = Connecter Zoom à Telegram
page-confirm-private-body =
    { $requester } a demandé que les enregistrements cloud du compte Zoom que vous allez autoriser soient livrés dans sa discussion privée avec le bot.

    Continuez seulement si c'est vous.
page-continue-to-zoom = Continuer vers Zoom
page-identity-missing-title = Ouvrez ce lien depuis Telegram
page-identity-missing-body = Ce lien ne fonctionne que depuis le bouton dans Telegram, qui nous dit qui l'a pressé. Un lien copié, ou un appui datant de plus de 10 minutes, ne peut pas servir. Rien n'a été connecté : retournez dans Telegram et appuyez sur le bouton (ou renvoyez /connect).
page-identity-mismatch-title = Ce lien n'est pas le vôtre
page-identity-mismatch-body = Seule la personne qui a envoyé /connect peut utiliser ce bouton. Rien n'a été connecté. Pour connecter votre propre compte Zoom, envoyez /connect vous-même.
page-not-admin-title = Seuls les administrateurs du groupe peuvent connecter
page-not-admin-body = Vous n'êtes plus administrateur de ce groupe, donc rien n'a été connecté. Demandez à un administrateur du groupe d'envoyer /connect.
page-link-used-title = Ce lien a déjà servi
page-link-used-body = Chaque lien de connexion ne lance qu'une seule connexion. Rien n'a été connecté cette fois : retournez dans Telegram et envoyez /connect pour obtenir un nouveau lien.
admin-token-endpoint-refused = 🚨 Le point de terminaison des jetons de Zoom a refusé un renouvellement : { $reason }. Les utilisateurs n'y sont pour rien (le secret client de l'app Zoom a-t-il changé ? vérifiez ZOOM_CLIENT_ID et ZOOM_CLIENT_SECRET). Les connexions sont conservées et les renouvellements réessayés ; aucune discussion n'a été invitée à se reconnecter.
## /import (past recordings)

import-error-usage =
    Comment importer des enregistrements passés :
    /import 2026-01-01 — de ce jour à aujourd’hui
    /import 2026-01-01 2026-03-31 — cette période
    /import 30d — les 30 derniers jours
    Dates au format AAAA-MM-JJ, en UTC. Les enregistrements que ce chat a déjà sont ignorés.
import-error-bad-date = Cette date n’existe pas. Utilisez AAAA-MM-JJ, p. ex. /import 2026-01-15.
import-error-order = La date de début est après la date de fin. Inversez-les, s’il vous plaît.
import-error-future = Cette période n’a pas encore commencé. Choisissez une date de début au plus tard aujourd’hui.
import-error-too-long = Cette période dépasse dix ans. Choisissez-en une plus courte.
import-not-connected = Ce chat n’est pas encore connecté à Zoom. Envoyez d’abord /connect, puis /import.
import-already-running = Un import est déjà en cours dans ce chat ({ $from } – { $to }). Attendez qu’il se termine ou annulez-le avec le bouton de son message de progression.
import-state-listing = 📥 Import des enregistrements du { $from } au { $to } : recherche dans Zoom…
import-state-delivering = 📥 Import des enregistrements du { $from } au { $to } : envoi, les plus anciens d’abord…
import-state-done = ✅ Import terminé ({ $from } – { $to }).
import-state-cancelled = ⏹ Import annulé ({ $from } – { $to }). Les enregistrements déjà en route arriveront quand même.
import-state-failed = ⚠️ Import arrêté ({ $from } – { $to }) : Zoom a échoué à plusieurs reprises. Renvoyez /import plus tard ; les enregistrements déjà envoyés seront ignorés.
import-counts = Trouvés : { $found } · Envoyés : { $delivered } · Ignorés (déjà ici) : { $skipped }
import-counts-failed = Échecs : { $failed } (voir le message d’état de chaque réunion)
import-button-cancel = ⏹ Annuler l’import
import-nothing-to-cancel = Il n’y a aucun import à annuler.
import-cancelled-toast = Import annulé.

## /settings (un seul message, mis à jour sur place)

settings-title = ⚙️ Réglages de cette discussion
settings-parts = 📦 Ce qui arrive : { $parts }
settings-parts-none = rien
settings-part-audio = Audio
settings-part-video = Vidéo
settings-part-transcript = Transcription
settings-part-summary = Résumé
settings-part-chat = Chat Zoom
settings-meetings-all = 🎯 Quelles réunions : toutes
settings-meetings-contains = 🎯 Quelles réunions : le sujet contient « { $phrase } »
settings-meetings-excludes = 🎯 Quelles réunions : le sujet ne contient pas « { $phrase } »
settings-trash-on = 🗑 Après l’envoi : placé dans la corbeille Zoom
settings-trash-off = 🗑 Après l’envoi : conservé dans le cloud Zoom
settings-trash-explain = « Corbeille après l’envoi » place l’enregistrement cloud d’une réunion dans la corbeille Zoom dès que tout ce que reçoit cette discussion est arrivé intact. Vous pouvez le récupérer dans Zoom pendant 30 jours ; ensuite Zoom le supprime.
settings-destination-here = 📍 Envoyé dans : cette discussion
settings-destination-topic = 📍 Envoyé dans : le sujet où /connect a été envoyé
settings-destination-chat = 📍 Envoyé dans : { $title }
settings-destination-paused = ⏸ Les envois sont en pause : { $reason }
settings-language = 🌐 Langue : { $language }
settings-button-on = ✅ { $part }
settings-button-off = ⬜ { $part }
settings-button-selected = • { $label }
settings-button-all = Toutes les réunions
settings-button-contains = Le sujet contient…
settings-button-excludes = Le sujet ne contient pas…
settings-button-trash-on = 🗑 Corbeille après l’envoi : oui
settings-button-trash-off = 🗑 Corbeille après l’envoi : non
settings-button-destination = 📣 Envoyer dans un canal ou un groupe…
settings-button-destination-here = ↩️ Envoyer dans cette discussion
settings-button-language = 🌐 Langue
settings-button-back = ⬅️ Retour
settings-topic-prompt-contains = Répondez à ce message avec l’expression que le sujet d’une réunion doit contenir.
settings-topic-prompt-excludes = Répondez à ce message avec l’expression que le sujet d’une réunion ne doit pas contenir.
settings-topic-saved = ✅ Enregistré. { $filter }
settings-topic-usage = Pour choisir les réunions par sujet : /settings topic contains <expression>, /settings topic excludes <expression> ou /settings topic all. Envoyez /settings seul pour tous les réglages.
settings-this-chat = cette discussion
settings-destination-pick = Choisissez avec un bouton ci-dessous le canal ou le groupe qui doit recevoir les enregistrements. Je dois pouvoir y publier, et vous devez en être administrateur.
settings-destination-pick-for = Choisissez avec un bouton ci-dessous le canal ou le groupe qui doit recevoir les enregistrements de { $chat }. Je dois pouvoir y publier, et vous devez en être administrateur.
settings-destination-pick-channel = 📣 Choisir un canal
settings-destination-pick-group = 👥 Choisir un groupe
settings-destination-cancel = Annuler
settings-destination-cancelled = D’accord, rien n’a changé.
settings-destination-sent-private = Je vous ai écrit en privé : choisissez-y le canal ou le groupe.
settings-destination-need-private = Ouvrez d’abord une discussion privée avec moi et appuyez sur Démarrer, puis appuyez de nouveau sur ce bouton.
settings-destination-set = ✅ Les enregistrements de { $chat } vont désormais dans { $title }.
settings-destination-set-notice = 📣 Désormais, les enregistrements Zoom de cette discussion sont publiés dans { $title }. Un administrateur peut changer cela avec /settings.
settings-destination-topic-set = 📌 Les enregistrements seront publiés dans ce sujet.
settings-destination-bot-missing = Je ne suis pas dans { $title }. Ajoutez-moi d’abord (dans un canal : comme administrateur autorisé à publier), puis choisissez-le de nouveau.
settings-destination-bot-cannot-post = Je ne peux pas publier dans { $title }. Faites de moi un administrateur autorisé à publier des messages, puis choisissez-le de nouveau.
settings-destination-not-admin = Vous n’êtes pas administrateur de { $title } : je n’y enverrai donc pas d’enregistrements pour vous.
settings-destination-not-admin-of-origin = Vous n’êtes plus administrateur de { $chat } : sa destination reste inchangée.
status-settings-header = ⚙️ Réglages (modifiables avec /settings) :
destination-paused-notice = ⏸ Les envois sont en pause : { $reason }. Un administrateur peut choisir où ils vont avec /settings.
reason-topic-closed = le sujet du forum où ils vont a été fermé
reason-topic-deleted = le sujet du forum où ils vont a été supprimé
reason-destination-lost = je ne peux plus publier dans { $title }
admin-webhook-overloaded = ⚠️ Les webhooks Zoom sont refusés avec 503 : le plus ancien non traité attend depuis { $seconds } s. Zoom les renvoie après 5, 20 et 60 minutes. Vérifiez que les processus worker tournent et suivent le rythme.
