"""The demo's fictitious journalists: many countries, languages and time zones, reserved domains only.

Every address is at a domain reserved for examples (RFC 2606), so nothing the
demo sends could ever reach a real person, whatever transport is configured.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class DemoJournalist:
    first_name: str
    last_name: str
    email: str
    outlet: str
    country: str
    language: str
    time_zone: str
    beats: str

    def fields(self) -> dict[str, str]:
        """The contact's fields as `contacts.directory.add_contact` takes them."""
        return {
            "email": self.email,
            "first_name": self.first_name,
            "last_name": self.last_name,
            "outlet": self.outlet,
            "country": self.country,
            "language": self.language,
            "time_zone": self.time_zone,
            "beats": self.beats,
            "source": "distributor demo",
        }


def _j(
    first: str, last: str, local: str, outlet: str, domain: str, where: str, beats: str
) -> DemoJournalist:
    country, language, zone = _PLACES[where]
    return DemoJournalist(first, last, f"{local}@{domain}", outlet, country, language, zone, beats)


# Country, language and time zone by a short key.
_PLACES = {
    "fr": ("FR", "fr", "Europe/Paris"),
    "de": ("DE", "de", "Europe/Berlin"),
    "es": ("ES", "es", "Europe/Madrid"),
    "it": ("IT", "it", "Europe/Rome"),
    "gb": ("GB", "en", "Europe/London"),
    "us-ny": ("US", "en", "America/New_York"),
    "us-la": ("US", "en", "America/Los_Angeles"),
    "br": ("BR", "pt-BR", "America/Sao_Paulo"),
    "mx": ("MX", "es", "America/Mexico_City"),
    "jp": ("JP", "ja", "Asia/Tokyo"),
    "in": ("IN", "en", "Asia/Kolkata"),
    "pl": ("PL", "pl", "Europe/Warsaw"),
    "gr": ("GR", "el", "Europe/Athens"),
    "ua": ("UA", "uk", "Europe/Kyiv"),
    "se": ("SE", "sv", "Europe/Stockholm"),
    "nl": ("NL", "nl", "Europe/Amsterdam"),
    "za": ("ZA", "en", "Africa/Johannesburg"),
    "au": ("AU", "en", "Australia/Sydney"),
    "ca": ("CA", "fr", "America/Toronto"),
    "kr": ("KR", "ko", "Asia/Seoul"),
}

# One journalist a line reads as the table it is.
# fmt: off
JOURNALISTS: tuple[DemoJournalist, ...] = (
    _j("Léa", "Marchand", "lea.marchand", "Le Quotidien du Rhône", "quotidien-rhone.example", "fr", "culture;film"),
    _j("François", "Bérard", "f.berard", "Écran Total", "ecran-total.example", "fr", "film"),
    _j("Camille", "Nguyen", "camille.nguyen", "Radio Lumière", "radio-lumiere.example", "fr", "culture"),
    _j("Jürgen", "Weiß", "juergen.weiss", "Filmblatt Berlin", "filmblatt.example", "de", "film;business"),
    _j("Katrin", "Schäfer", "k.schaefer", "Rheinische Rundschau", "rundschau.example", "de", "culture"),
    _j("Inés", "Castillo", "ines.castillo", "Diario del Sur", "diariodelsur.example", "es", "culture;film"),
    _j("José", "Núñez", "jose.nunez", "Cine y Sociedad", "cineysociedad.example", "es", "film"),
    _j("Giulia", "Ferraro", "giulia.ferraro", "Il Cinematografo", "cinematografo.example", "it", "film"),
    _j("Marco", "De Santis", "m.desantis", "Corriere Toscano", "corriere-toscano.example", "it", "culture;business"),
    _j("Emily", "Clarke", "emily.clarke", "The Northern Screen", "northernscreen.example", "gb", "film"),
    _j("Tom", "O'Neill", "tom.oneill", "Culture Weekly", "example.org", "gb", "culture"),
    _j("Priya", "Raman", "priya.raman", "The London Ledger", "example.com", "gb", "business;film"),
    _j("Sarah", "Goldberg", "sgoldberg", "Manhattan Arts Review", "artsreview.example", "us-ny", "culture"),
    _j("David", "Okafor", "david.okafor", "Wire Service International", "wireservice.example", "us-ny", "business"),
    _j("Megan", "Walsh", "megan.walsh", "Pacific Trade Daily", "pacifictrade.example", "us-la", "film;business"),
    _j("Carlos", "Reyes", "carlos.reyes", "Hollywood Ledger", "hwledger.example", "us-la", "film"),
    _j("Ana", "Carvalho", "ana.carvalho", "Folha do Cinema", "folhadocinema.example", "br", "film"),
    _j("João", "Pereira", "joao.pereira", "Jornal da Tarde", "jornaldatarde.example", "br", "culture"),
    _j("Valeria", "Montes", "valeria.montes", "Pantalla Grande", "pantallagrande.example", "mx", "film"),
    _j("Diego", "Herrera", "diego.herrera", "El Observador", "observador.example", "mx", "culture;business"),
    _j("Yuki", "Tanaka", "yuki.tanaka", "Tokyo Film Journal", "tokyofilm.example", "jp", "film"),
    _j("Haruto", "Sato", "h.sato", "Nikko Business Times", "nikkobiz.example", "jp", "business"),
    _j("Ananya", "Iyer", "ananya.iyer", "The Bombay Chronicle", "bombaychronicle.example", "in", "film;culture"),
    _j("Rahul", "Mehta", "rahul.mehta", "Screen India", "screenindia.example", "in", "film"),
    _j("Zofia", "Wiśniewska", "zofia.wisniewska", "Kino Dziś", "kinodzis.example", "pl", "film"),
    _j("Łukasz", "Nowak", "lukasz.nowak", "Gazeta Kulturalna", "gazetakulturalna.example", "pl", "culture"),
    _j("Νίκος", "Παπαδόπουλος", "nikos.papadopoulos", "Athens Review", "athensreview.example", "gr", "culture"),
    _j("Олена", "Коваленко", "olena.kovalenko", "Кіно і Час", "kinochas.example", "ua", "film"),  # noqa: RUF001 (Ukrainian on purpose)
    _j("Андрій", "Шевченко", "andriy.shevchenko", "Київський Вісник", "visnyk.example", "ua", "culture;business"),
    _j("Søren", "Lindqvist", "soren.lindqvist", "Nordisk Film & Kultur", "nordiskkultur.example", "se", "film"),
    _j("Maja", "Ekström", "maja.ekstrom", "Stockholms Dagblad", "dagblad.example", "se", "culture"),
    _j("Daan", "de Vries", "daan.devries", "Het Filmblad", "filmblad.example", "nl", "film"),
    _j("Femke", "Jansen", "femke.jansen", "Amsterdamse Courant", "example.org", "nl", "culture"),
    _j("Thandiwe", "Mokoena", "thandiwe.mokoena", "Joburg Screen", "joburgscreen.example", "za", "film"),
    _j("Pieter", "van der Merwe", "pieter.vdmerwe", "Cape Business Day", "capebusiness.example", "za", "business"),
    _j("Grace", "Walker", "grace.walker", "Sydney Screen Post", "screenpost.example", "au", "film"),
    _j("Liam", "Hughes", "liam.hughes", "Harbour City Times", "example.com", "au", "culture"),
    _j("Maëlle", "Tremblay", "maelle.tremblay", "Le Cinéphile de Montréal", "cinephile.example", "ca", "film;culture"),
    _j("Ji-woo", "Park", "jiwoo.park", "Seoul Screen Daily", "seoulscreen.example", "kr", "film"),
    _j("Min-jun", "Kim", "minjun.kim", "Korea Culture Herald", "cultureherald.example", "kr", "culture"),
)
# fmt: on
