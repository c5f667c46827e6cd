"""What the demo community talks about: the company's services, in English and Spanish.

Each topic has question wordings with slots, member answers and the staff's official
answer; ``app.demo.community`` combines them (seeded) into a few hundred questions.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Topic:
    """Questions about one thing, the answers members give, and the staff's answer."""

    tags: tuple[str, ...]
    questions: tuple[str, ...]
    answers: tuple[str, ...]
    official: str
    details: tuple[str, ...] = ()


SLOTS: dict[str, dict[str, tuple[str, ...]]] = {
    "en": {
        "device": ("iPhone 15", "Galaxy S23", "Pixel 8", "Moto G", "iPad", "work laptop"),
        "router": ("the Hub 3", "the Hub 4", "my own router", "the fibre modem"),
        "month": ("January", "March", "May", "July", "September", "November"),
        "room": ("bedroom", "kitchen", "home office", "basement", "garden shed"),
        "amount": ("$12", "$18.50", "$25", "$40", "$9.99"),
        "place": ("Spain", "Mexico", "Canada", "the UK", "Japan"),
        "channel": ("ESPN", "HBO", "the kids' channels", "local news", "the sports pack"),
        "appliance": ("heat pump", "electric car charger", "dryer", "water heater"),
    },
    "es": {
        "device": ("iPhone 15", "Galaxy S23", "Pixel 8", "Moto G", "iPad", "portátil"),
        "router": ("el Hub 3", "el Hub 4", "mi propio router", "el módem de fibra"),
        "month": ("enero", "marzo", "mayo", "julio", "septiembre", "noviembre"),
        "room": ("dormitorio", "cocina", "despacho", "sótano"),
        "amount": ("12 $", "18,50 $", "25 $", "40 $"),
        "place": ("España", "México", "Colombia", "Estados Unidos"),
        "channel": ("ESPN", "HBO", "los canales infantiles", "las noticias locales"),
        "appliance": ("la bomba de calor", "el cargador del coche", "la secadora", "el calentador"),
    },
}

EN = (
    Topic(
        ("billing", "mobile"),
        (
            "Why is my mobile bill {amount} higher in {month}?",
            "My bill went up by {amount} this month, what changed?",
            "Unexpected {amount} charge on my phone bill",
            "Why was I charged extra in {month}?",
        ),
        (
            "Check the itemised bill in the app under Billing > Details. Mine was data add-ons "
            "bought by accident; they refunded it when I called.",
            "In {month} the promotional discount ends for a lot of plans. That was exactly my "
            "extra {amount}.",
            "Roaming days show up on the next bill, not the month you travel. Look for "
            "'Travel pass' lines.",
        ),
        "Your bill's **Details** tab lists every charge with its date. The usual reasons are "
        "an ended promotion, a data add-on or roaming. If a charge looks wrong, reply here "
        "or call billing and we will refund anything we charged in error.",
        ("I haven't changed my plan and I don't travel.", "Autopay took it before I noticed."),
    ),
    Topic(
        ("broadband", "wifi"),
        (
            "Wifi keeps dropping in the {room} with {router}",
            "Why does my internet disconnect every evening?",
            "Broadband slow on my {device} but fine on the laptop",
            "How do I fix weak wifi in the {room}?",
            "{router} loses connection several times a day",
        ),
        (
            "Move the router off the floor and away from the TV. Mine went from 2 bars to full "
            "in the {room} after that.",
            "Restart {router} (hold the power button 10 s). If it still drops, ask for a "
            "mesh extender: they sent me one free.",
            "Change the wifi channel in the router settings (192.168.1.1). Neighbours on the "
            "same channel slow everyone down.",
            "Evenings are busy on older lines. Run the speed test in the app at 9 pm and send "
            "the result to support, they checked my line.",
        ),
        "Start with a restart of the router, then run the **line test** in the app "
        "(Broadband > Diagnose). If the test shows errors we book an engineer; if the line is "
        "fine and coverage is the problem, we can send a mesh extender.",
        ("It started last week.", "Cable connection is fine, only wifi drops."),
    ),
    Topic(
        ("mobile", "roaming"),
        (
            "Does my plan work in {place}?",
            "How much does roaming cost in {place}?",
            "My phone has no signal in {place}",
            "How do I turn on roaming before travelling to {place}?",
        ),
        (
            "I used the Travel pass in {place} last summer: a flat daily fee, everything else "
            "like at home.",
            "Turn on 'Data roaming' in the phone settings too. The plan allowed it but my "
            "{device} had it off.",
            "If you see no network, pick the partner network manually in settings. Automatic "
            "picked the wrong one for me.",
        ),
        "Roaming is included in most plans for Europe and North America; elsewhere the "
        "**Travel pass** charges a daily fee only on days you use your phone. Turn it on in the "
        "app under Mobile > Roaming before you leave.",
    ),
    Topic(
        ("mobile", "sim"),
        (
            "How do I activate the eSIM on my {device}?",
            "My new SIM card says 'No service'",
            "Can I keep my number when I switch to you?",
            "Lost my phone, how do I block the SIM?",
        ),
        (
            "The eSIM QR code is in the welcome email. Scan it from Settings > Mobile data on "
            "the {device}, not from the camera app.",
            "A new SIM takes up to 2 hours to activate. Restart the phone after that.",
            "Yes, ask your old provider for the transfer code and put it in the order. Took "
            "one working day for me.",
        ),
        "eSIMs activate from the QR code in your welcome email; new SIM cards within two "
        "hours. To keep your number, give us your old provider's **transfer code**. A lost "
        "phone's SIM can be blocked at once in the app or by calling us, any time.",
    ),
    Topic(
        ("tv", "channels"),
        (
            "{channel} is missing from my TV package",
            "How do I add {channel} to my TV plan?",
            "TV box says 'no signal' on every channel",
            "Picture freezes when watching {channel}",
        ),
        (
            "Channels you add show up after a restart of the TV box. {channel} appeared for me "
            "only after that.",
            "Freezing for me was the wifi. Plug the box in with a cable if you can.",
            "Check the HDMI input on the TV; mine had switched after a power cut.",
        ),
        "Add channels in the app under TV > Packages; they appear after the box restarts. "
        "If the box shows **no signal**, check its cable and restart it; if that does not "
        "help, the app's TV diagnosis tells us what to fix.",
    ),
    Topic(
        ("energy", "meter"),
        (
            "How do I submit a meter reading?",
            "My energy bill is estimated, not my real usage",
            "Smart meter stopped sending readings",
            "Why is my electricity bill so high in {month}?",
        ),
        (
            "Send a reading in the app (Energy > Meter), with a photo. My next bill used it.",
            "Winter months are always higher for us because of the {appliance}.",
            "The smart meter needs the in-home display plugged in. Ours lost pairing after we "
            "moved it.",
        ),
        "Submit a reading in the app under **Energy > Meter** (a photo helps); bills use it "
        "from then on instead of an estimate. If a smart meter stopped sending readings, tell "
        "us here and we check it remotely.",
    ),
    Topic(
        ("energy", "outage"),
        (
            "Power cut in my street, when will it be back?",
            "Is there an outage in my area?",
            "Lights flickering since this morning",
            "Will I be compensated for a long power cut?",
        ),
        (
            "The status page shows outages by area, with an estimate. Ours was right within "
            "half an hour.",
            "If only your home is out, check the main switch in the fuse box first.",
            "You can get compensation for cuts over 12 hours; I filled in the form in the app.",
        ),
        "Current outages and their estimated fix times are on our **status page**. If only "
        "your home is without power, check your main switch, then call the outage line (open "
        "24/7). Cuts over 12 hours qualify for compensation.",
    ),
    Topic(
        ("billing", "payments"),
        (
            "How do I change my payment card?",
            "Can I pay my bill in instalments?",
            "Autopay failed, will I be charged a fee?",
            "How do I get a copy of my {month} bill?",
        ),
        (
            "Billing > Payment method in the app. Took a minute.",
            "I asked for a payment plan when I lost my job; they split it over three months.",
            "No fee the first time; they just retried a few days later.",
        ),
        "Change your card in the app under **Billing > Payment method**; past bills are in "
        "Billing > History as PDFs. If a payment failed we retry after three days with no fee. "
        "If paying is hard right now, ask us for a payment plan.",
    ),
    Topic(
        ("sales", "upgrade"),
        (
            "Can I upgrade to the {device} before my contract ends?",
            "Is faster fibre available at my address?",
            "What's the cheapest way to add a second line?",
            "Do you have a bundle for broadband and TV?",
        ),
        (
            "Upgrades are allowed after 12 months; the app showed me the price.",
            "The address checker on the website says which speeds you can get.",
            "A second line is cheaper as an add-on than as a new contract.",
        ),
        "Upgrades open 12 months into a contract (the app shows yours under **Mobile > "
        "Upgrade**). The address checker lists the fibre speeds at your home; bundles of "
        "broadband, TV and mobile save on each.",
    ),
    Topic(
        ("account", "app"),
        (
            "I can't log in to the app",
            "How do I reset my account password?",
            "How do I add my partner to the account?",
            "App crashes on my {device}",
        ),
        (
            "Use 'Forgot password' on the login screen; the link expires after an hour.",
            "Update the app. The old version crashed on my {device} too.",
            "The account holder can add people under Account > Users.",
        ),
        "Reset your password from **Forgot password** on the app's log-in screen. If the app "
        "crashes, update it from your app store; the account holder adds other people under "
        "Account > Users.",
    ),
)

ES = (
    Topic(
        ("facturacion", "movil"),
        (
            "¿Por qué mi factura subió {amount} en {month}?",
            "Cargo inesperado de {amount} en mi factura del móvil",
            "¿Qué es este cargo extra en mi factura?",
        ),
        (
            "Mira la factura detallada en la app, en Facturación > Detalles. Lo mío eran "
            "bonos de datos comprados sin querer.",
            "En {month} terminó mi descuento de promoción; por eso pagaba {amount} más.",
        ),
        "La pestaña **Detalles** de la factura muestra cada cargo con su fecha. Lo habitual "
        "es el fin de una promoción, un bono de datos o el roaming. Si un cargo está mal, te "
        "lo devolvemos.",
    ),
    Topic(
        ("internet", "wifi"),
        (
            "El wifi se corta en el {room} con {router}",
            "¿Por qué internet va lento por las noches?",
            "¿Cómo mejoro la cobertura wifi en el {room}?",
        ),
        (
            "Sube el router del suelo y aléjalo de la tele. En el {room} pasé de dos rayas a "
            "cobertura completa.",
            "Reinicia {router} manteniendo el botón 10 segundos. Si sigue, pide un repetidor.",
        ),
        "Reinicia el router y haz el **test de línea** en la app (Internet > Diagnóstico). Si "
        "hay errores, enviamos un técnico; si es cobertura, te mandamos un repetidor wifi.",
    ),
    Topic(
        ("movil", "roaming"),
        (
            "¿Funciona mi tarifa en {place}?",
            "¿Cuánto cuesta el roaming en {place}?",
            "No tengo cobertura en {place}",
        ),
        (
            "Activa también 'Itinerancia de datos' en el {device}; lo tenía apagado.",
            "Usé el Bono Viaje en {place}: una tarifa diaria y lo demás igual que en casa.",
        ),
        "El roaming está incluido en Europa y Norteamérica; en otros países el **Bono Viaje** "
        "cobra una tarifa solo los días que usas el móvil. Actívalo en la app antes de viajar.",
    ),
    Topic(
        ("energia", "contador"),
        (
            "¿Cómo envío la lectura del contador?",
            "Mi factura de luz es estimada",
            "¿Por qué la luz es tan cara en {month}?",
        ),
        (
            "Desde la app, en Energía > Contador, con una foto. La siguiente factura ya la usó.",
            "En invierno siempre pagamos más por {appliance}.",
        ),
        "Envía la lectura en la app (**Energía > Contador**); desde entonces la factura usa tu "
        "consumo real y no una estimación.",
    ),
    Topic(
        ("energia", "averia"),
        (
            "Corte de luz en mi calle, ¿cuándo vuelve?",
            "¿Hay una avería en mi zona?",
        ),
        (
            "La página de estado muestra las averías por zona con una hora estimada.",
            "Si solo tu casa está sin luz, revisa primero el interruptor general.",
        ),
        "Las averías en curso y su hora estimada están en nuestra **página de estado**. Si solo "
        "tu casa está sin luz, revisa el interruptor general y llama a la línea de averías "
        "(24 horas).",
    ),
    Topic(
        ("cuenta", "pagos"),
        (
            "¿Cómo cambio la tarjeta de pago?",
            "¿Puedo pagar la factura a plazos?",
            "No puedo entrar en la app",
        ),
        (
            "En Facturación > Método de pago. Un minuto.",
            "Pedí un plan de pagos y me lo dividieron en tres meses.",
        ),
        "Cambia la tarjeta en la app (**Facturación > Método de pago**). Si te cuesta pagar, "
        "pídenos un plan de pagos.",
    ),
)
