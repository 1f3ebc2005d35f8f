# Zoomgram — português (do Brasil). Mesmas chaves e variáveis de en.ftl; todas as mensagens são texto simples.

## Descrições dos comandos do bot (setMyCommands)

cmd-start = Comece aqui: o que o Zoomgram faz
cmd-help = Como funciona e todos os comandos
cmd-connect = Conectar sua conta do Zoom a este chat
cmd-status = Status da conexão e das entregas
cmd-disconnect = Desconectar o Zoom deste chat
cmd-language = Mudar o idioma
cmd-history = Gravações recentes e suas entregas
cmd-import = Entregar gravações antigas de um período
cmd-settings = O que chega aqui, de quais reuniões e para onde

## /start e /help

start-text =
    👋 Oi! Eu sou o Zoomgram.

    Eu envio suas gravações na nuvem do Zoom direto para este chat: primeiro o áudio, depois a transcrição e um resumo, sempre com o tema da reunião e o horário de início.

    Para começar, envie /connect e autorize o Zoomgram no Zoom. Pronto: cada nova gravação na nuvem vai chegar aqui automaticamente.
start-connected =
    👋 Que bom ver você de novo! Este chat está conectado ao Zoom como { $email }.

    As novas gravações na nuvem vão chegar aqui automaticamente. Envie /status para verificar a conexão ou /help para ver tudo o que eu sei fazer.
help-text =
    O Zoomgram entrega suas gravações na nuvem do Zoom no Telegram.

    Comandos:
    /connect — conecta sua conta do Zoom a este chat
    /status — conexão, disponibilidade do Zoom e últimas entregas
    /history — gravações recentes e o que aconteceu com elas
    /import — entregar gravações antigas, p. ex. /import 30d
    /settings — o que chega aqui, de quais reuniões e para onde
    /language — muda o idioma
    /disconnect — interrompe as entregas e desconecta o Zoom
    /help — esta mensagem

    Como funciona a entrega: quando o Zoom termina de processar uma gravação na nuvem, eu envio primeiro o áudio e depois a transcrição e um resumo assim que o Zoom os tiver. Gravações longas chegam em várias partes. Cada reunião tem uma mensagem de status que é atualizada conforme as partes chegam.

    Também funciona em grupos: adicione-me a um grupo e peça para um administrador enviar /connect lá. Assim, as gravações vão para o grupo todo. Cada conta do Zoom entrega em um chat por vez, então conectar em outro chat transfere a entrega para lá.

## Erros e recusas

error-generic = 😕 Algo deu errado do nosso lado. Tente de novo daqui a um minuto.
error-generic-ref = 😕 Algo deu errado do nosso lado. Tente de novo daqui a um minuto. Se continuar acontecendo, informe este código ao operador do serviço: { $ref }
error-group-admin-only = Só os administradores deste grupo podem fazer isso. Peça a um administrador para enviar o comando.
error-too-many-requests = Foram muitas solicitações de uma vez. Aguarde um momento e tente de novo.

## /connect

connect-prompt =
    Toque no botão abaixo para conectar sua conta do Zoom. O Zoom vai pedir que você autorize o Zoomgram; depois disso, suas gravações na nuvem vão chegar neste chat.

    O link vale por { $minutes ->
        [one] { $minutes } minuto
       *[other] { $minutes } minutos
    } e só funciona uma vez.
connect-button = Conectar Zoom
connect-button-reconnect = Reconectar Zoom
connect-already-connected =
    Você já está conectado ao Zoom como { $email }.

    Para se conectar de novo — por exemplo, com outra conta do Zoom —, use o botão abaixo. Ao reconectar a partir deste chat, as novas gravações passam a chegar aqui.

## Resultados da conexão (mensagens no chat)

connect-success = ✅ Conectado ao Zoom como { $email }. As novas gravações na nuvem vão chegar neste chat.
connect-moved-away = ↪️ As gravações da conta do Zoom { $email } agora são entregues em “{ $chat_title }”. Este chat não vai mais recebê-las.
connect-moved-away-private = ↪️ As gravações da conta do Zoom { $email } agora são entregues em um chat privado comigo. Este chat não vai mais recebê-las.
connect-broken = ⚠️ A conexão com o Zoom ({ $email }) parou de funcionar: o Zoom não aceita mais o nosso acesso. Envie /connect para se conectar de novo. Até lá, novas gravações não poderão ser entregues.

## /status

status-header = 📊 Status do Zoomgram
status-connected = 🔗 Conectado ao Zoom como { $email }
status-connected-since = 📅 Conectado desde { $date }
status-zoom-reachable = 🟢 O Zoom está acessível ({ $ms } ms)
status-zoom-unreachable = 🔴 Não foi possível acessar o Zoom agora: { $reason }
status-recent-header = Últimas entregas:
status-recent-item = • { $topic } — { $date } — { $state }
status-recent-empty = Nenhuma gravação entregue ainda.
status-jobs-pending =
    { $count ->
        [0] ⏳ Não há nada esperando na fila.
        [one] ⏳ { $count } tarefa esperando na fila.
       *[other] ⏳ { $count } tarefas esperando na fila.
    }
status-not-connected = Este chat ainda não está conectado ao Zoom. Envie /connect para conectar sua conta do Zoom, e suas gravações na nuvem vão chegar aqui.

## /disconnect

disconnect-confirm = Desconectar a conta do Zoom { $email } deste chat? As novas gravações não serão mais entregues.
disconnect-button-confirm = Sim, desconectar
disconnect-button-cancel = Cancelar
disconnect-cancelled = Tudo bem, nada foi alterado. Você continua conectado.
disconnect-done = ✅ Desconectado. O Zoomgram não tem mais acesso à sua conta do Zoom, e nenhuma gravação vai chegar aqui. Envie /connect quando quiser se conectar de novo.
disconnect-done-local-only = ✅ Desconectado aqui, mas não foi possível falar com o Zoom para revogar nosso acesso. Apagamos seus tokens, então o Zoomgram não consegue mais usar sua conta. Por garantia, você também pode remover o Zoomgram da sua conta do Zoom em “Added Apps”, no Zoom App Marketplace.
disconnect-nothing = Não há nada para desconectar: este chat não está conectado ao Zoom.

## Desautorização (o app foi removido no Zoom)

deauthorized = O Zoomgram foi removido da conta do Zoom conectada a este chat. Por isso as entregas pararam, e apagamos seus tokens e dados. Envie /connect se quiser usar o Zoomgram de novo.

## /language

language-prompt = 🌐 Escolha seu idioma:
language-changed = ✅ Pronto! Idioma do bot: { $language }.

## /history e estados das reuniões

history-header = 🗂 Gravações recentes:
history-item = • { $topic } — { $date }: { $state }
history-empty = Ainda não há gravações. Elas vão aparecer aqui assim que o Zoom enviar a primeira.
history-item-numbered = { $index }. { $topic } — { $date }: { $state }
history-button-resend = 🔁 { $index }
history-resend-hint = Toque num número para receber de novo o áudio dessa gravação.
meeting-untitled = Reunião sem título
meeting-state-received = recebida
meeting-state-downloading = baixando
meeting-state-uploading = enviando para o Telegram
meeting-state-delivered = entregue
meeting-state-failed = falhou
meeting-state-waiting = aguardando, nova tentativa mais tarde
meeting-state-skipped = ignorado (o motivo foi informado no chat)

## Entrega

delivery-caption-topic = 🎙 { $topic }
delivery-caption-date = 🗓 Início: { $date }
delivery-caption-duration = ⏱ Duração: { $duration }
delivery-caption-host = 👤 Anfitrião: { $host }
delivery-caption-summary = 🧠 { $summary }
delivery-part = Parte { $index }/{ $total }
delivery-too-large-to-download = 📦 A gravação “{ $topic }” tem { $size }, acima do limite de { $limit } deste servidor do Zoomgram, por isso não foi entregue. Você ainda pode assisti-la no Zoom.
delivery-sent-as-link = 🔗 Este arquivo não pode ser enviado pelo Telegram ({ $reason }), então aqui está um link: { $url }
delivery-video-as-document = 🎬 Não foi possível extrair o áudio desta gravação, então aqui está o arquivo de vídeo.
delivery-failed = ❌ Não foi possível entregar a gravação “{ $topic }”, mesmo depois de várias tentativas. Motivo: { $reason }
delivery-chat-paused = A entrega para o chat { $chat_id } está pausada: o bot foi bloqueado ou removido desse chat.

## Motivos em palavras simples (inseridos como { $reason }; sem ponto final)

reason-zoom-unreachable = não foi possível acessar o Zoom
reason-zoom-rate-limited = o Zoom pediu para irmos mais devagar; vamos tentar de novo mais tarde
reason-zoom-access-rejected = o Zoom recusou nosso acesso; envie /connect para se conectar de novo
reason-recording-not-found = a gravação foi apagada no Zoom ou não foi mais encontrada
reason-download-corrupted = o download do Zoom veio com defeito (o Zoom enviou uma página da web ou cortou o arquivo)
reason-telegram-file-too-large = o Telegram recusou o arquivo porque ele é grande demais
reason-file-over-upload-limit = o arquivo é maior do que o Telegram aceita ({ $limit }) e este servidor não consegue reduzi-lo
reason-telegram-unreachable = não foi possível acessar o Telegram
reason-unknown = ocorreu um erro inesperado
reason-server-storage = este servidor não conseguiu guardar a gravação temporariamente (a pasta de mídia está cheia ou sem permissão de escrita)
reason-speech-failed = o reconhecimento de fala não conseguiu transcrever o áudio
reason-summary-never-came = nenhum resumo chegou a tempo, então paramos de esperar por ele

## Cartão da reunião (uma mensagem por reunião, atualizada conforme as partes chegam)

card-title = 🎥 { $topic } · { $date }
card-stage-received = 📥 Gravação recebida
card-stage-downloading = ⬇️ Baixando do Zoom…
card-stage-uploading = ⬆️ Enviando para o Telegram…
card-stage-done = ✅ Tudo pronto
card-stage-problem = ⚠️ Concluído, mas nem tudo pôde ser entregue
card-stage-waiting = ⏳ Aguardando, nova tentativa mais tarde
card-line-audio = 🎧 Áudio: { $status }
card-line-transcript = 📝 Transcrição: { $status }
card-line-summary = 🧠 Resumo: { $status }
card-line-chat = 💬 Chat da reunião: { $status }
card-trash-moved = 🗑 Movida para a lixeira do Zoom para liberar armazenamento na nuvem. Para restaurar em até 30 dias: portal web do Zoom → Gravações → Lixeira → Recuperar.
card-trash-scope-missing = 🗑 Continua na sua nuvem do Zoom: o Zoomgram não tem permissão para mover gravações para a lixeira. O operador adiciona ao app do Zoom o escopo cloud_recording:delete:meeting_recording (clássico: recording:write); depois envie /connect de novo para aprová-lo. Ou desative a lixeira em /settings.
card-trash-refused = 🗑 Continua na sua nuvem do Zoom: o Zoom recusou movê-la para a lixeira. Verifique no portal web do Zoom se você pode excluir esta gravação, ou desative a lixeira em /settings.
card-zoom-trashed = 🗑 A gravação foi movida para a lixeira no Zoom antes de poder ser entregue; restaure-a no Zoom em até 30 dias para recebê-la.
card-zoom-deleted = 🗑 A gravação foi excluída permanentemente no Zoom antes de poder ser entregue; o que ainda não tinha chegado não pode mais ser enviado.
card-zoom-recovered = ♻️ A gravação foi restaurada no Zoom; o que faltava está a caminho.
card-status-pending = aguardando
card-status-in-progress = em andamento…
card-status-done = ✓ pronto
card-transcript-source-zoom = Zoom
card-transcript-source-stt = reconhecimento de fala
card-status-failed = ✗ falhou: { $reason }
card-status-not-available = indisponível
card-status-waiting = ⏳ aguardando, nova tentativa mais tarde
card-button-resend-audio = 🔁 Reenviar áudio
card-button-get-transcript = 📄 Obter transcrição
callback-resend-queued = O áudio está a caminho.
callback-transcript-queued = A transcrição está a caminho.
callback-transcript-unavailable = Não há transcrição para esta reunião.
callback-expired = Esta gravação não está mais disponível.

## Transcrição e resumo

transcript-caption = 📝 Transcrição: { $topic }
transcript-caption-stt = 📝 Transcrição (reconhecimento de fala): { $topic }
chat-file-caption = 💬 Chat da reunião: { $topic }
chat-file-title = Chat
transcript-meta-source-stt = Transcrito automaticamente a partir do áudio
transcript-title = Transcrição
transcript-unknown-speaker = Participante desconhecido
transcript-meta-meeting = Reunião: { $topic }
transcript-meta-date = Data: { $date }
transcript-meta-duration = Duração: { $duration }
summary-header = 🧠 Resumo: { $topic }
summary-title = Resumo
summary-overview = Visão geral
summary-key-points = Pontos principais
summary-next-steps = Próximos passos
summary-speaking-time = Tempo de fala
summary-speaking-time-item = { $speaker }: { $duration } ({ $share })
summary-source-zoom = Resumo do Zoom AI Companion
summary-source-generated = Gerado automaticamente a partir da transcrição
summary-decisions = Decisões
summary-action-items = Tarefas
summary-open-questions = Perguntas em aberto

## Alertas para o operador (ADMIN_CHAT_ID)

admin-job-dead = 🚨 A tarefa { $job_id } ({ $kind }) falhou de vez: { $reason }
admin-webhook-verification-failures =
    ⚠️ { $count ->
        [one] { $count } requisição de webhook do Zoom falhou
       *[other] { $count } requisições de webhook do Zoom falharam
    } na verificação de assinatura { $minutes ->
        [one] no último minuto
       *[other] nos últimos { $minutes } minutos
    }. Verifique ZOOM_WEBHOOK_SECRET; também pode ser que alguém esteja enviando requisições falsificadas.
admin-alerts-suppressed =
    { $count ->
        [one] Mais { $count } alerta como este foi retido
       *[other] Mais { $count } alertas como este foram retidos
    } { $minutes ->
        [one] no último minuto
       *[other] nos últimos { $minutes } minutos
    }.

## Páginas HTML da conexão (/zoom/connect, /zoom/callback)

page-link-invalid-title = Este link não é válido
page-link-invalid-body = O link está corrompido ou não foi criado pelo Zoomgram. Volte ao Telegram e envie /connect para receber um novo.
page-link-expired-title = Este link expirou
page-link-expired-body = Os links de conexão valem só por pouco tempo. Volte ao Telegram e envie /connect de novo para receber um link novo.
page-connected-title = Zoom conectado
page-connected-body = Você está conectado como { $email }. Pode fechar esta página e voltar ao Telegram: as novas gravações na nuvem vão chegar no seu chat.
page-access-denied-title = Conexão cancelada
page-access-denied-body = O Zoomgram não foi autorizado no Zoom, então nada foi conectado. Se foi engano, envie /connect no Telegram e tente de novo.
page-state-invalid-title = Não foi possível concluir o login
page-state-invalid-body = Esta tentativa de login já foi usada ou não é mais válida. Volte ao Telegram e envie /connect para começar de novo.
page-failed-title = Algo deu errado
page-failed-body = Não conseguimos concluir a conexão com o Zoom. Tente de novo com /connect no Telegram. Se continuar falhando, informe este código ao operador do serviço: { $ref }
page-rate-limited-title = Tentativas demais
page-rate-limited-body = Aguarde um minuto e tente de novo.
page-back-to-telegram = Voltar ao Telegram

## Issue #13: the connect link proves who is connecting
connect-anonymous-admin = Administradores anônimos não podem conectar o Zoom: o Telegram não me diz quem você é. Envie /connect com seu próprio nome (desative por um momento “Permanecer anônimo”) ou em um chat privado comigo.
page-confirm-title = Conectar o Zoom ao Telegram
page-confirm-body =
    { $requester } pediu para entregar as gravações na nuvem da conta Zoom que você vai aprovar ao grupo do Telegram “{ $chat_title }”.

    Continue apenas se for você e se o grupo estiver certo.
page-confirm-private-title = Conectar o Zoom ao Telegram
page-confirm-private-body =
    { $requester } pediu para entregar as gravações na nuvem da conta Zoom que você vai aprovar ao chat privado com o bot.

    Continue apenas se for você.
page-continue-to-zoom = Continuar para o Zoom
page-identity-missing-title = Abra este link pelo Telegram
page-identity-missing-body = Este link só funciona pelo botão no Telegram, que nos diz quem o tocou. Um link copiado, ou um toque de mais de 10 minutos atrás, não pode ser usado. Nada foi conectado: volte ao Telegram e toque no botão (ou envie /connect de novo).
page-identity-mismatch-title = Este link não é seu
page-identity-mismatch-body = Só quem enviou /connect pode usar este botão. Nada foi conectado. Para conectar sua própria conta Zoom, envie /connect você mesmo.
page-not-admin-title = Só administradores do grupo podem conectar
page-not-admin-body = Você não é mais administrador deste grupo, então nada foi conectado. Peça a um administrador do grupo para enviar /connect.
page-link-used-title = Este link já foi usado
page-link-used-body = Cada link de conexão inicia um único login. Desta vez nada foi conectado: volte ao Telegram e envie /connect para receber um link novo.
admin-token-endpoint-refused = 🚨 O endpoint de tokens do Zoom recusou uma renovação de token: { $reason }. Não é culpa dos usuários (o client secret do app Zoom foi trocado? verifique ZOOM_CLIENT_ID e ZOOM_CLIENT_SECRET). As conexões foram mantidas e as renovações são repetidas; nenhum chat foi solicitado a se reconectar.
## /import (past recordings)

import-error-usage =
    Como importar gravações antigas:
    /import 2026-01-01 — desse dia até hoje
    /import 2026-01-01 2026-03-31 — esse período
    /import 30d — os últimos 30 dias
    As datas são AAAA-MM-DD em UTC. Gravações que este chat já tem são ignoradas.
import-error-bad-date = Essa data não existe. Use AAAA-MM-DD, p. ex. /import 2026-01-15.
import-error-order = A data de início é posterior à data de fim. Troque-as, por favor.
import-error-future = Esse período ainda não começou. Escolha uma data de início até hoje.
import-error-too-long = Esse período tem mais de dez anos. Escolha um mais curto.
import-not-connected = Este chat ainda não está conectado ao Zoom. Envie /connect primeiro e depois /import.
import-already-running = Já há uma importação em andamento neste chat ({ $from } – { $to }). Aguarde o fim ou cancele-a pelo botão da mensagem de progresso.
import-state-listing = 📥 Importando gravações de { $from } a { $to }: procurando no Zoom…
import-state-delivering = 📥 Importando gravações de { $from } a { $to }: entregando, das mais antigas para as mais novas…
import-state-done = ✅ Importação concluída ({ $from } – { $to }).
import-state-cancelled = ⏹ Importação cancelada ({ $from } – { $to }). Gravações que já estão a caminho ainda chegam.
import-state-failed = ⚠️ Importação interrompida ({ $from } – { $to }): o Zoom falhou repetidamente. Envie /import mais tarde; gravações já entregues serão ignoradas.
import-counts = Encontradas: { $found } · Entregues: { $delivered } · Ignoradas (já estão aqui): { $skipped }
import-counts-failed = Com falha: { $failed } (veja a mensagem de status de cada reunião)
import-button-cancel = ⏹ Cancelar importação
import-nothing-to-cancel = Não há importação para cancelar.
import-cancelled-toast = Importação cancelada.

## /settings (uma mensagem, atualizada no lugar)

settings-title = ⚙️ Configurações deste chat
settings-parts = 📦 O que chega: { $parts }
settings-parts-none = nada
settings-part-audio = Áudio
settings-part-video = Vídeo
settings-part-transcript = Transcrição
settings-part-summary = Resumo
settings-part-chat = Chat do Zoom
settings-meetings-all = 🎯 Quais reuniões: todas
settings-meetings-contains = 🎯 Quais reuniões: o tópico contém “{ $phrase }”
settings-meetings-excludes = 🎯 Quais reuniões: o tópico não contém “{ $phrase }”
settings-trash-on = 🗑 Após a entrega: movida para a lixeira do Zoom
settings-trash-off = 🗑 Após a entrega: mantida na nuvem do Zoom
settings-trash-explain = “Lixeira após a entrega” move a gravação na nuvem de uma reunião para a lixeira do Zoom assim que tudo o que este chat recebe dela chegou inteiro. Você pode recuperá-la no Zoom por 30 dias; depois o Zoom a apaga.
settings-destination-here = 📍 Entregas vão para: este chat
settings-destination-topic = 📍 Entregas vão para: o tópico onde /connect foi enviado
settings-destination-chat = 📍 Entregas vão para: { $title }
settings-destination-paused = ⏸ As entregas estão pausadas: { $reason }
settings-language = 🌐 Idioma: { $language }
settings-button-on = ✅ { $part }
settings-button-off = ⬜ { $part }
settings-button-selected = • { $label }
settings-button-all = Todas as reuniões
settings-button-contains = O tópico contém…
settings-button-excludes = O tópico não contém…
settings-button-trash-on = 🗑 Lixeira após a entrega: ligada
settings-button-trash-off = 🗑 Lixeira após a entrega: desligada
settings-button-destination = 📣 Entregar em um canal ou grupo…
settings-button-destination-here = ↩️ Entregar neste chat
settings-button-language = 🌐 Idioma
settings-button-back = ⬅️ Voltar
settings-topic-prompt-contains = Responda a esta mensagem com a frase que o tópico de uma reunião deve conter.
settings-topic-prompt-excludes = Responda a esta mensagem com a frase que o tópico de uma reunião não deve conter.
settings-topic-saved = ✅ Salvo. { $filter }
settings-topic-usage = Para escolher reuniões pelo tópico: /settings topic contains <frase>, /settings topic excludes <frase> ou /settings topic all. Envie só /settings para ver todas as configurações.
settings-this-chat = este chat
settings-destination-pick = Escolha com um botão abaixo o canal ou grupo que deve receber as gravações. Eu preciso poder publicar lá, e você precisa ser um dos administradores.
settings-destination-pick-for = Escolha com um botão abaixo o canal ou grupo que deve receber as gravações de { $chat }. Eu preciso poder publicar lá, e você precisa ser um dos administradores.
settings-destination-pick-channel = 📣 Escolher um canal
settings-destination-pick-group = 👥 Escolher um grupo
settings-destination-cancel = Cancelar
settings-destination-cancelled = Certo, nada mudou.
settings-destination-sent-private = Mandei uma mensagem privada para você: escolha o canal ou grupo lá.
settings-destination-need-private = Primeiro abra um chat privado comigo e toque em Iniciar; depois toque neste botão de novo.
settings-destination-set = ✅ As gravações de { $chat } agora vão para { $title }.
settings-destination-set-notice = 📣 De agora em diante, as gravações do Zoom deste chat são publicadas em { $title }. Um administrador pode mudar isso com /settings.
settings-destination-topic-set = 📌 As gravações serão publicadas neste tópico.
settings-destination-bot-missing = Não estou em { $title }. Adicione-me lá primeiro (em um canal: como administrador com permissão para publicar) e escolha de novo.
settings-destination-bot-cannot-post = Não consigo publicar em { $title }. Torne-me administrador com permissão para publicar mensagens e escolha de novo.
settings-destination-not-admin = Você não é administrador de { $title }, então não vou enviar gravações para lá a seu pedido.
settings-destination-not-admin-of-origin = Você não é mais administrador de { $chat }, então o destino dele continua o mesmo.
status-settings-header = ⚙️ Configurações (altere com /settings):
destination-paused-notice = ⏸ As entregas estão pausadas: { $reason }. Um administrador pode escolher para onde vão com /settings.
reason-topic-closed = o tópico do fórum para onde vão foi fechado
reason-topic-deleted = o tópico do fórum para onde vão foi excluído
reason-destination-lost = não consigo mais publicar em { $title }
admin-webhook-overloaded = ⚠️ Os webhooks do Zoom estão sendo recusados com 503: o mais antigo não processado espera há { $seconds } s. O Zoom os reenvia após 5, 20 e 60 minutos. Verifique se os processos worker estão rodando e dando conta.
