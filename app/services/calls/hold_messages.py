"""What callers hear while holding, leaving a queue and being connected, in each language.

A language without a message has it said in English. Callers of every flow language
(English, Spanish, French, German, Portuguese, Italian) hear why a callback is refused in
their own.
"""

from __future__ import annotations

MESSAGES = {
    "en": {
        "position": "Thank you for waiting. You are number {position} in line.",
        "too_long": "We're sorry for the wait. Connecting you to the next available person.",
        "thanks_message": "Thank you. We have your message and will call you back.",
        "goodbye": "Thank you for calling. Goodbye.",
        "estimate": "Your estimated wait is about {minutes} minutes.",
        "estimate_one": "Your estimated wait is about one minute.",
        "soon": "Someone will be with you in a moment.",
        "offer_callback": "To keep your place in line and have us call you back, press 1.",
        "callback_kept": "Thank you. You keep your place in line, and we will call you back "
        "at the number you are calling from.",
        "overflow": "We're connecting you with another team who can help.",
        "to_fallback": "Please hold while we connect you to a person.",
        "leave_message": "Sorry, nobody could answer. Please leave your name, number and a "
        "short message after the tone, and we will call you back.",
        "calling_back": "We didn't get a message, so we will call you back at the number you "
        "are calling from as soon as someone is free. Goodbye.",
        "connecting": "Connecting you now.",
        "agent_missed": "Sorry, that agent is not available. You keep your place in line.",
        "callback_hello": "Hello, we're returning your call. Please hold for a moment.",
        "callback_missed": "Sorry, we could not connect you. We will call you back shortly.",
        # The customer picked up a callback its agent no longer has (wrapped up, taken back).
        "callback_again": "Sorry, the person who called you can't take the call now. We will "
        "call you again soon. Goodbye.",
        "callback_gone": "Sorry, the person who called you can't take the call now. Connecting "
        "you to someone who can help.",
        # A callback the policy refuses (callback_policy): said plainly, something else offered.
        "refused_withheld": "Your number is withheld, so we can't call you back.",
        "refused_number": "Sorry, we can't call back that number.",
        "refused_country": "Sorry, we only call back numbers in the countries we serve.",
        "refused_busy": "Sorry, we can't take another callback request right now.",
        "offer_instead": "To leave a message for our team, press 2. To speak with a person, "
        "press 1 or stay on the line.",
        "place_kept": "You keep your place in line.",
        "record_message": "Please leave your name and a short message after the tone.",
        "no_answer_no_callback": "Sorry, nobody could answer, and we can't call you back at "
        "this number. Please leave your name and a short message after the tone.",
        "message_kept": "Thank you. We have your message and a person will listen to it, but "
        "we can't call you back at this number.",
        # A message kept while the database did not answer: whether we may call back is
        # not known yet.
        "message_saved": "Thank you. We have your message, and a person will listen to it.",
        "kb_intro": "Here is what our community answered.",
        "kb_confirm": "Was that what you needed? Say yes, or press 1. To get the link by text "
        "message, press 2. To speak with a person, press 0 or stay on the line.",
        "kb_thanks": "Glad that helped. Thank you for calling. Goodbye.",
        "kb_texted": "I've sent you the link by text message. Thank you for calling. Goodbye.",
        "kb_not_texted": "Sorry, I can't send a text message to this number.",
    },
    "es": {
        "position": "Gracias por esperar. Usted es el número {position} en la fila.",
        "too_long": "Disculpe la espera. Le comunicamos con la próxima persona disponible.",
        "thanks_message": "Gracias. Recibimos su mensaje y le llamaremos.",
        "goodbye": "Gracias por llamar. Adiós.",
        "estimate": "Su tiempo de espera estimado es de unos {minutes} minutos.",
        "estimate_one": "Su tiempo de espera estimado es de un minuto, más o menos.",
        "soon": "Alguien le atenderá en un momento.",
        "offer_callback": "Para conservar su lugar en la fila y que le llamemos, oprima 1.",
        "callback_kept": "Gracias. Conserva su lugar en la fila y le llamaremos al número "
        "desde el que llama.",
        "overflow": "Le comunicamos con otro equipo que le puede ayudar.",
        "to_fallback": "Por favor espere mientras le comunicamos con una persona.",
        "leave_message": "Disculpe, nadie pudo contestar. Deje su nombre, número y un breve "
        "mensaje después del tono, y le llamaremos.",
        "calling_back": "No recibimos ningún mensaje, así que le llamaremos al número desde el "
        "que llama en cuanto alguien esté libre. Adiós.",
        "connecting": "Le comunicamos ahora.",
        "agent_missed": "Disculpe, ese agente no está disponible. Conserva su lugar en la fila.",
        "callback_hello": "Hola, le devolvemos su llamada. Por favor, espere un momento.",
        "callback_missed": "Disculpe, no pudimos comunicarle. Le volveremos a llamar en breve.",
        "callback_again": "Disculpe, la persona que le llamó no puede atenderle ahora. Le "
        "volveremos a llamar pronto. Adiós.",
        "callback_gone": "Disculpe, la persona que le llamó no puede atenderle ahora. Le "
        "comunicamos con alguien que le puede ayudar.",
        "refused_withheld": "Su número está oculto, así que no podemos devolverle la llamada.",
        "refused_number": "Disculpe, no podemos llamar a ese número.",
        "refused_country": "Disculpe, solo devolvemos llamadas a números de los países que "
        "atendemos.",
        "refused_busy": "Disculpe, en este momento no podemos aceptar otra solicitud de llamada.",
        "offer_instead": "Para dejar un mensaje a nuestro equipo, oprima 2. Para hablar con una "
        "persona, oprima 1 o permanezca en la línea.",
        "place_kept": "Conserva su lugar en la fila.",
        "record_message": "Por favor, deje su nombre y un breve mensaje después del tono.",
        "no_answer_no_callback": "Disculpe, nadie pudo contestar y no podemos llamarle a este "
        "número. Por favor, deje su nombre y un breve mensaje después del tono.",
        "message_kept": "Gracias. Recibimos su mensaje y una persona lo escuchará, pero no "
        "podemos llamarle a este número.",
        "message_saved": "Gracias. Recibimos su mensaje y una persona lo escuchará.",
        "kb_intro": "Esto es lo que respondió nuestra comunidad.",
        "kb_confirm": "¿Era lo que necesitaba? Diga sí, u oprima 1. Para recibir el enlace por "
        "mensaje de texto, oprima 2. Para hablar con una persona, oprima 0 o permanezca en "
        "la línea.",
        "kb_thanks": "Nos alegra haberle ayudado. Gracias por llamar. Adiós.",
        "kb_texted": "Le enviamos el enlace por mensaje de texto. Gracias por llamar. Adiós.",
        "kb_not_texted": "Disculpe, no puedo enviar un mensaje de texto a este número.",
    },
    "fr": {
        "refused_withheld": "Votre numéro est masqué, nous ne pouvons donc pas vous rappeler.",
        "refused_number": "Désolés, nous ne pouvons pas rappeler ce numéro.",
        "refused_country": "Désolés, nous ne rappelons que les numéros des pays que nous "
        "desservons.",
        "refused_busy": "Désolés, nous ne pouvons pas prendre d'autre demande de rappel pour le "
        "moment.",
        "offer_instead": "Pour laisser un message à notre équipe, appuyez sur 2. Pour parler à "
        "une personne, appuyez sur 1 ou restez en ligne.",
        "place_kept": "Vous gardez votre place dans la file d'attente.",
        "record_message": "Veuillez laisser votre nom et un court message après le signal sonore.",
        "no_answer_no_callback": "Désolés, personne n'a pu répondre, et nous ne pouvons pas vous "
        "rappeler à ce numéro. Veuillez laisser votre nom et un court message après le signal "
        "sonore.",
        "message_kept": "Merci. Nous avons votre message et une personne l'écoutera, mais nous "
        "ne pouvons pas vous rappeler à ce numéro.",
        "message_saved": "Merci. Nous avons votre message, et une personne l'écoutera.",
        "goodbye": "Merci de votre appel. Au revoir.",
    },
    "de": {
        "refused_withheld": "Ihre Nummer ist unterdrückt, daher können wir Sie nicht zurückrufen.",
        "refused_number": "Leider können wir diese Nummer nicht zurückrufen.",
        "refused_country": "Leider rufen wir nur Nummern in den Ländern zurück, die wir betreuen.",
        "refused_busy": "Leider können wir im Moment keine weitere Rückrufbitte annehmen.",
        "offer_instead": "Um unserem Team eine Nachricht zu hinterlassen, drücken Sie die 2. Um "
        "mit einer Person zu sprechen, drücken Sie die 1 oder bleiben Sie in der Leitung.",
        "place_kept": "Sie behalten Ihren Platz in der Warteschlange.",
        "record_message": "Bitte hinterlassen Sie nach dem Signalton Ihren Namen und eine kurze "
        "Nachricht.",
        "no_answer_no_callback": "Leider konnte niemand antworten, und wir können Sie unter "
        "dieser Nummer nicht zurückrufen. Bitte hinterlassen Sie nach dem Signalton Ihren Namen "
        "und eine kurze Nachricht.",
        "message_kept": "Danke. Wir haben Ihre Nachricht, und eine Person wird sie anhören, aber "
        "wir können Sie unter dieser Nummer nicht zurückrufen.",
        "message_saved": "Danke. Wir haben Ihre Nachricht, und eine Person wird sie anhören.",
        "goodbye": "Danke für Ihren Anruf. Auf Wiederhören.",
    },
    "pt": {
        "refused_withheld": "Seu número está oculto, por isso não podemos retornar a ligação.",
        "refused_number": "Desculpe, não podemos ligar para esse número.",
        "refused_country": "Desculpe, só retornamos ligações para números dos países que "
        "atendemos.",
        "refused_busy": "Desculpe, no momento não podemos aceitar outro pedido de retorno.",
        "offer_instead": "Para deixar uma mensagem para a nossa equipe, pressione 2. Para falar "
        "com uma pessoa, pressione 1 ou continue na linha.",
        "place_kept": "Você mantém o seu lugar na fila.",
        "record_message": "Por favor, deixe seu nome e uma breve mensagem após o sinal.",
        "no_answer_no_callback": "Desculpe, ninguém pôde atender, e não podemos ligar de volta "
        "para este número. Por favor, deixe seu nome e uma breve mensagem após o sinal.",
        "message_kept": "Obrigado. Recebemos sua mensagem e uma pessoa vai ouvi-la, mas não "
        "podemos ligar de volta para este número.",
        "message_saved": "Obrigado. Recebemos sua mensagem, e uma pessoa vai ouvi-la.",
        "goodbye": "Obrigado por ligar. Até logo.",
    },
    "it": {
        "refused_withheld": "Il suo numero è nascosto, quindi non possiamo richiamarla.",
        "refused_number": "Ci dispiace, non possiamo richiamare quel numero.",
        "refused_country": "Ci dispiace, richiamiamo solo numeri dei paesi che serviamo.",
        "refused_busy": "Ci dispiace, al momento non possiamo accettare un'altra richiesta di "
        "richiamata.",
        "offer_instead": "Per lasciare un messaggio al nostro team, prema 2. Per parlare con una "
        "persona, prema 1 o resti in linea.",
        "place_kept": "Mantiene il suo posto in coda.",
        "record_message": "Lasci il suo nome e un breve messaggio dopo il segnale acustico.",
        "no_answer_no_callback": "Ci dispiace, nessuno ha potuto rispondere e non possiamo "
        "richiamarla a questo numero. Lasci il suo nome e un breve messaggio dopo il segnale "
        "acustico.",
        "message_kept": "Grazie. Abbiamo il suo messaggio e una persona lo ascolterà, ma non "
        "possiamo richiamarla a questo numero.",
        "message_saved": "Grazie. Abbiamo il suo messaggio, e una persona lo ascolterà.",
        "goodbye": "Grazie per aver chiamato. Arrivederci.",
    },
}


def say_text(language: str, key: str, **values: object) -> str:
    """Message ``key`` in ``language`` (English when the language has none), filled in."""
    text = MESSAGES.get(language, {}).get(key) or MESSAGES["en"][key]
    return text.format(**values)
