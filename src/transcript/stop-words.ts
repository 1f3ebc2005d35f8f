/**
 * Function words ignored when scoring sentences for the extractive summary, for the six languages
 * the bot speaks. Small on purpose: the list only has to keep "the", "и", "que" from outweighing
 * content words; frequency does the rest. Also conversational words that dominate meeting speech
 * without carrying content ("okay", "yeah", "think").
 */
const LISTS: Record<string, string> = {
  en: `a about above after again all also am an and any are aren't as at be because been before being
    below between both but by can can't could couldn't did didn't do does doesn't doing don't down during
    each few for from further get got had hadn't has hasn't have haven't having he her here hers herself
    him himself his how i i'd i'll i'm i've if in into is isn't it it's its itself just let's me more most
    my myself no nor not now of off on once only or other our ours ourselves out over own same she should
    so some such than that that's the their theirs them themselves then there there's these they they're
    this those through to too under until up us very was wasn't we we'll we're we've were what when where
    which while who whom why will with won't would wouldn't you you'll you're your yours yourself
    okay ok yeah yes yep right well really actually think know like just gonna going want also maybe
    thing things something one lot good great sure thanks thank everyone guys mean kind sort go`,
  ru: `и в во не что он на я с со как а то все она так его но да ты к у же вы за бы по только ее мне
    было вот от меня еще нет о из ему теперь когда даже ну вдруг ли если уже или ни быть был него до вас
    нибудь опять уж вам ведь там потом себя ничего ей может они тут где есть надо ней для мы тебя их чем
    была сам чтоб без будто чего раз тоже себе под будет ж тогда кто этот того потому этого какой совсем
    ним здесь этом один почти мой тем чтобы нее сейчас были куда зачем всех никогда можно при наконец два
    об другой хоть после над больше тот через эти нас про всего них какая много разве три эту моя
    впрочем хорошо свою этой перед иногда лучше чуть том нельзя такой им более всегда конечно всю между
    это вот окей ладно просто значит думаю так`,
  es: `a al algo algunas algunos ante antes como con contra cual cuando de del desde donde durante e el
    ella ellas ellos en entre era es esa esas ese eso esos esta estaba estado estamos estan estar estas
    este esto estos fue fueron ha hay han hasta la las le les lo los mas me mi mis mucho muy nada ni no
    nos nosotros o otra otro para pero poco por porque que quien se sea ser si sido sin sobre son su sus
    tambien te tiene tienen todo todos tu un una uno unos y ya yo vale bueno pues entonces creo vamos bien
    más también está están sí qué él tú mí cómo cuándo dónde así aquí`,
  de: `aber alle allem allen aller alles als also am an ander andere anderem anderen anderer anderes auch
    auf aus bei bin bis bist da damit dann das dass dein deine dem den der des dich die dies diese diesem
    diesen dieser dieses dir doch dort du durch ein eine einem einen einer eines er es etwas euch euer für
    gegen gewesen hab habe haben hat hatte hier hin hinter ich ihm ihn ihr ihre im in indem ins ist ja
    jede jedem jeden jeder jedes jetzt kann kein keine können machen man mein meine mich mir mit muss
    musste nach nicht nichts noch nun nur ob oder ohne sehr sein seine sich sie sind so solche soll
    sollte sondern sonst über um und uns unser unter viel vom von vor war waren warst was weg weil weiter
    welche wenn werde werden wie wieder will wir wird wirst wo wollen wollte würde würden zu zum zur
    zwar zwischen okay genau gut also mal denke halt eben schon`,
  pt: `a ao aos aquela aquele aquilo as até com como da das de dela dele deles depois do dos e ela elas
    ele eles em entre era essa esse esta está estão este eu foi for foram há isso isto já lhe mais mas
    me mesmo meu minha muito na não nas nem no nos nós o os ou para pela pelo por qual quando que quem
    se sem ser seu sua são também te tem ter um uma você vocês vai então acho bom tá certo né é à`,
  fr: `a ai au aux avec avoir ce ces cet cette comme dans de des du elle elles en est et être eu il ils
    je la le les leur leurs lui ma mais me même mes moi mon ne nos notre nous on ou où par pas pour qu
    que qui sa se ses si son sont sur ta te tes toi ton tu un une vos votre vous y c'est ça donc alors
    bon bien oui voilà faut peut très tout tous fait va à été`,
};

export const STOP_WORDS: ReadonlySet<string> = new Set(
  Object.values(LISTS).flatMap((list) => list.split(/\s+/).filter(Boolean)),
);
