#!/usr/bin/env python3
"""Writes the CSV exports of the tools users have (issue 13) that tests/csv_exports.rs reads.

Each file is made from the tool's published column list (see README.md) in the tool's encoding,
delimiter, quoting and line ends; the people are invented (example.* domains). Deterministic: run
it again and the files are byte for byte the same. Python 3 standard library only.

Usage: python3 generate.py  (writes next to this file)
"""

import csv
import io
import os

HERE = os.path.dirname(os.path.abspath(__file__))

# Outlook 2016-365, German UI: Datei > Öffnen und exportieren > Importieren/Exportieren >
# In Datei exportieren > Kommagetrennte Werte. 92 columns in this order.
OUTLOOK_DE = [
    "Anrede", "Vorname", "Weitere Vornamen", "Nachname", "Suffix", "Firma", "Abteilung",
    "Position", "Straße geschäftlich", "Straße geschäftlich 2", "Straße geschäftlich 3",
    "Ort geschäftlich", "Region geschäftlich", "Postleitzahl geschäftlich",
    "Land/Region geschäftlich", "Straße privat", "Straße privat 2", "Straße privat 3",
    "Ort privat", "Bundesland/Kanton privat", "Postleitzahl privat", "Land/Region privat",
    "Weitere Straße", "Weitere Straße 2", "Weitere Straße 3", "Weiterer Ort",
    "Weiteres/r Bundesland/Kanton", "Weitere Postleitzahl", "Weiteres/e Land/Region",
    "Telefon Assistent", "Fax geschäftlich", "Telefon geschäftlich", "Telefon geschäftlich 2",
    "Rückmeldung", "Autotelefon", "Telefon Firma", "Fax privat", "Telefon (privat)",
    "Telefon (privat 2)", "ISDN", "Mobiltelefon", "Weiteres Fax", "Weiteres Telefon", "Pager",
    "Haupttelefon", "Mobiltelefon 2", "Telefon für Hörbehinderte", "Telex",
    "Abrechnungsinformation", "Assistent(in)", "Benutzer 1", "Benutzer 2", "Benutzer 3",
    "Benutzer 4", "Beruf", "Büro", "E-Mail-Adresse", "E-Mail-Typ", "E-Mail: Angezeigter Name",
    "E-Mail 2: Adresse", "E-Mail 2: Typ", "E-Mail 2: Angezeigter Name", "E-Mail 3: Adresse",
    "E-Mail 3: Typ", "E-Mail 3: Angezeigter Name", "Empfohlen von", "Geburtstag", "Geschlecht",
    "Hobby", "Initialen", "Internet Frei/Gebucht", "Jahrestag", "Kategorien", "Kinder", "Konto",
    "Name des/r Vorgesetzten", "Notizen", "Organisationsnr.", "Ort", "Partner/in",
    "Postfach geschäftlich", "Postfach privat", "Priorität", "Privat", "Reisekilometer",
    "Sozialversicherungsnr.", "Sprache", "Stichwörter", "Vertraulichkeit", "Verzeichnisserver",
    "Webseite", "Weiteres Postfach",
]
assert len(OUTLOOK_DE) == 92

X500 = ("/o=ExchangeLabs/ou=Exchange Administrative Group (FYDIBOHF23SPDLT)/cn=Recipients/"
        "cn=3f2a9c41b7d84e0c9a1f5e6d7c8b9a0f-{}")

# What Outlook fills in for every contact, whatever the user typed.
OUTLOOK_DEFAULTS = {
    "Geburtstag": "0.0.00", "Jahrestag": "0.0.00", "Geschlecht": "Nicht angegeben",
    "Priorität": "Normal", "Privat": "Aus", "Vertraulichkeit": "Normal",
}

OUTLOOK_PEOPLE = [
    {   # lines 2-3: an external contact with the usual SMTP address and a multi-line note
        "Anrede": "Dr.", "Vorname": "Jördis", "Weitere Vornamen": "Anna", "Nachname": "Müller",
        "Firma": "Stadt Köln", "Abteilung": "Amt für Digitalisierung", "Position": "Referatsleitung",
        "Straße geschäftlich": "Willy-Brandt-Platz 2", "Ort geschäftlich": "Köln",
        "Postleitzahl geschäftlich": "50679", "Land/Region geschäftlich": "Deutschland",
        "Fax geschäftlich": "+49 221 221-1", "Telefon geschäftlich": "+49 221 221-0",
        "Mobiltelefon": "+49 170 1234567", "E-Mail-Adresse": "joerdis.mueller@stadt-koeln.example",
        "E-Mail-Typ": "SMTP",
        "E-Mail: Angezeigter Name": "Jördis Müller (joerdis.mueller@stadt-koeln.example)",
        "Initialen": "J.A.M.", "Kategorien": "OZG;Wohngeld",
        "Notizen": "Kennt das EfA-Modell.\r\nRückruf erbeten.", "Webseite": "www.stadt-koeln.example",
    },
    {   # line 4: Exchange-internal, the real address in E-Mail 2
        "Anrede": "Herr", "Vorname": "Kai", "Nachname": "Brandt",
        "Firma": "Hessisches Ministerium für Digitalisierung", "Position": "CIO",
        "E-Mail-Adresse": X500.format("kbrandt"), "E-Mail-Typ": "EX",
        "E-Mail: Angezeigter Name": "Kai Brandt",
        "E-Mail 2: Adresse": "kai.brandt@digitales.hessen.example", "E-Mail 2: Typ": "SMTP",
        "E-Mail 2: Angezeigter Name": "Kai Brandt (kai.brandt@digitales.hessen.example)",
        "Initialen": "K.B.",
    },
    {   # line 5: Exchange-internal, no SMTP address at all
        "Anrede": "Frau", "Vorname": "Svenja", "Nachname": "Krämer", "Firma": "Digitalagentur Nord",
        "E-Mail-Adresse": X500.format("skraemer"), "E-Mail-Typ": "EX",
        "E-Mail: Angezeigter Name": "Svenja Krämer", "Initialen": "S.K.",
    },
    {   # line 6: private address and phone only, a salutation with a title
        "Anrede": "Herr Prof.", "Vorname": "Ömer", "Nachname": "Weiß",
        "Straße privat": "Lindenallee 5", "Ort privat": "Dresden", "Postleitzahl privat": "01067",
        "Telefon (privat)": "+49 351 1234567", "Ort": "Raum 3.14", "Initialen": "Ö.W.",
    },
]

THUNDERBIRD_DE = [
    "Vorname", "Nachname", "Anzeigename", "Spitzname", "Primäre E-Mail-Adresse",
    "Sekundäre E-Mail-Adresse", "Messenger-Name", "Tel. dienstlich", "Tel. privat",
    "Fax-Nummer", "Pager-Nummer", "Mobil-Tel.-Nr.", "Privat: Adresse", "Privat: Adresse 2",
    "Privat: Ort", "Privat: Bundesland", "Privat: PLZ", "Privat: Land", "Dienstlich: Adresse",
    "Dienstlich: Adresse 2", "Dienstlich: Ort", "Dienstlich: Bundesland", "Dienstlich: PLZ",
    "Dienstlich: Land", "Arbeitstitel", "Abteilung", "Organisation", "Webseite 1", "Webseite 2",
    "Geburtsjahr", "Geburtsmonat", "Geburtstag", "Benutzerdef. 1", "Benutzerdef. 2",
    "Benutzerdef. 3", "Benutzerdef. 4", "Notizen",
]

THUNDERBIRD_PEOPLE = [
    {
        "Vorname": "Jördis", "Nachname": "Müller", "Anzeigename": "Jördis Müller (Köln)",
        "Primäre E-Mail-Adresse": "joerdis.mueller@stadt-koeln.example",
        "Sekundäre E-Mail-Adresse": "jm@privat.example", "Tel. dienstlich": "+49 221 221-0",
        "Mobil-Tel.-Nr.": "+49 170 1234567", "Fax-Nummer": "+49 221 221-1",
        "Dienstlich: Adresse": "Willy-Brandt-Platz 2", "Dienstlich: Ort": "Köln",
        "Dienstlich: PLZ": "50679", "Dienstlich: Land": "Deutschland",
        "Arbeitstitel": "Referatsleitung", "Abteilung": "Amt für Digitalisierung",
        "Organisation": "Stadt Köln", "Webseite 1": "https://www.stadt-koeln.example",
        "Notizen": "Trifft man auf dem Digitalgipfel.",
    },
    {
        "Vorname": "Kai", "Nachname": "Brandt", "Anzeigename": "Kai Brandt",
        "Primäre E-Mail-Adresse": "kai.brandt@digitales.hessen.example", "Tel. privat": "+49 611 32-0",
        "Organisation": "Hessisches Ministerium für Digitalisierung",
    },
]


def write(name, headers, people, *, encoding, delimiter=",", quoting=csv.QUOTE_MINIMAL,
          newline="\r\n", bom=False, preamble="", repeat=None):
    """Writes one file; `repeat` = (index, header, value per person) adds a repeated column."""
    out = io.StringIO()
    out.write(preamble)
    w = csv.writer(out, delimiter=delimiter, quoting=quoting, lineterminator=newline)
    head = list(headers)
    if repeat:
        head.insert(repeat[0], repeat[1])
    w.writerow(head)
    for i, p in enumerate(people):
        row = [p.get(h, "") for h in headers]
        if repeat:
            row.insert(repeat[0], repeat[2][i])
        w.writerow(row)
    data = out.getvalue().encode(encoding)
    if bom:
        data = b"\xef\xbb\xbf" + data
    with open(os.path.join(HERE, name), "wb") as f:
        f.write(data)


def outlook():
    people = [{**OUTLOOK_DEFAULTS, **p} for p in OUTLOOK_PEOPLE]
    write("outlook_de.csv", OUTLOOK_DE, people, encoding="cp1252", quoting=csv.QUOTE_ALL)


def thunderbird():
    write("thunderbird_de_utf8.csv", THUNDERBIRD_DE, THUNDERBIRD_PEOPLE, encoding="utf-8")
    # The system encoding, and `Anzeigename` written a second time (after `Spitzname`).
    write("thunderbird_de_cp1252.csv", THUNDERBIRD_DE, THUNDERBIRD_PEOPLE, encoding="cp1252",
          repeat=(4, "Anzeigename", ["Jördis M.", ""]))


GOOGLE = [
    "First Name", "Middle Name", "Last Name", "Phonetic First Name", "Phonetic Middle Name",
    "Phonetic Last Name", "Name Prefix", "Name Suffix", "Nickname", "File As",
    "Organization Name", "Organization Title", "Organization Department", "Birthday", "Notes",
    "Photo", "Labels", "E-mail 1 - Label", "E-mail 1 - Value", "E-mail 2 - Label",
    "E-mail 2 - Value", "Phone 1 - Label", "Phone 1 - Value", "Phone 2 - Label",
    "Phone 2 - Value", "Address 1 - Label", "Address 1 - Formatted", "Address 1 - Street",
    "Address 1 - City", "Address 1 - PO Box", "Address 1 - Region", "Address 1 - Postal Code",
    "Address 1 - Country", "Address 1 - Extended Address", "Website 1 - Label",
    "Website 1 - Value",
]


def google():
    people = [
        {
            "First Name": "Jördis", "Last Name": "Müller", "Name Prefix": "Dr.",
            "File As": "Müller, Jördis", "Organization Name": "Stadt Köln ::: Deutscher Städtetag",
            "Organization Title": "Referatsleitung", "Organization Department": "Amt für Digitalisierung",
            "Notes": "Kennt das EfA-Modell.", "Labels": "* myContacts ::: OZG ::: * starred",
            "E-mail 1 - Label": "* Work",
            "E-mail 1 - Value": "joerdis.mueller@stadt-koeln.example ::: j.mueller@stadt-koeln.example",
            "E-mail 2 - Label": "Home", "E-mail 2 - Value": "joerdis@privat.example",
            "Phone 1 - Label": "Mobile", "Phone 1 - Value": "+49 170 1234567 ::: +49 171 7654321",
            "Phone 2 - Label": "Work", "Phone 2 - Value": "+49 221 221-0",
            "Address 1 - Label": "Work",
            "Address 1 - Formatted": "Willy-Brandt-Platz 2\n50679 Köln\nDeutschland",
            "Address 1 - Street": "Willy-Brandt-Platz 2", "Address 1 - City": "Köln",
            "Address 1 - Postal Code": "50679", "Address 1 - Country": "Deutschland",
            "Website 1 - Label": "Profile", "Website 1 - Value": "https://www.stadt-koeln.example",
        },
        {
            "First Name": "Kai", "Last Name": "Brandt", "Name Prefix": "Herr",
            "Organization Name": "Hessisches Ministerium für Digitalisierung",
            "Labels": "* myContacts", "E-mail 1 - Label": "* Other",
            "E-mail 1 - Value": "kai.brandt@digitales.hessen.example",
        },
    ]
    write("google.csv", GOOGLE, people, encoding="utf-8", bom=True, newline="\n")


LINKEDIN_NOTES = (
    'Notes:\n"When exporting your connection data, you may notice that some of the email '
    "addresses are missing. You will only see email addresses for connections who have allowed "
    "their connections to see or download their email address using this setting "
    "https://www.linkedin.com/psettings/privacy/email. You can learn more here "
    'https://www.linkedin.com/help/linkedin/answer/261"\n\n'
)


def linkedin():
    headers = ["First Name", "Last Name", "URL", "Email Address", "Company", "Position", "Connected On"]
    people = [
        {"First Name": "Jördis", "Last Name": "Müller", "URL": "https://www.linkedin.com/in/joerdis-mueller",
         "Company": "Stadt Köln", "Position": "Referatsleitung", "Connected On": "12 Mar 2024"},
        {"First Name": "Kai", "Last Name": "Brandt", "URL": "https://www.linkedin.com/in/kaibrandt",
         "Email Address": "kai.brandt@digitales.hessen.example",
         "Company": "Hessisches Ministerium für Digitalisierung", "Position": "CIO, Abteilung Z",
         "Connected On": "03 Jan 2023"},
        {"First Name": "Svenja", "Last Name": "Krämer", "URL": "https://www.linkedin.com/in/svenja-kraemer-0815",
         "Company": "Digitalagentur Nord", "Position": "Projektleitung EfA", "Connected On": "28 Feb 2025"},
    ]
    write("linkedin_connections.csv", headers, people, encoding="utf-8", newline="\n",
          preamble=LINKEDIN_NOTES)


# pretix 2026.8, "Bestelldaten" > "Bestellpositionen", "CSV (mit Semikolons)", German, with the
# name scheme "Titel, Vorname, Nachname" and one question ("Funktion") asked per attendee.
PRETIX_DE = [
    "Kurzname der Veranstaltung", "Veranstaltungstitel", "Bestellnummer", "Position", "Status",
    "E-Mail", "Telefonnummer", "Bestelldatum", "Bestelluhrzeit", "Produkt", "Produkt-ID",
    "Variante", "Varianten-ID", "Preis", "Steuersatz", "Steuerregel", "Steuer",
    "Name Teilnehmer*in", "Name Teilnehmer*in: Titel", "Name Teilnehmer*in: Vorname",
    "Name Teilnehmer*in: Nachname", "E-Mail Teilnehmer*in", "Teilnehmer*innen-Firma", "Adresse",
    "Postleitzahl", "Stadt", "Land", "Bundesstaat", "Gutschein", "Verwendetes Gutscheinbudget",
    "Gutschein-Tag", "Pseudonyme ID", "Ticket-Code", "Sitzplatz-ID", "Sitzbezeichnung",
    "Sitzbereich", "Sitzreihe", "Sitzplatz-Nummer", "Gesperrt", "Gültig ab", "Gültig bis",
    "Bestellkommentar", "Datum zur Wiedervorlage", "Zusatzprodukt zu Position", "Funktion",
    "Rechnungsadresse: Firma", "Rechnungsadresse: Name", "Rechnungsadresse: Name: Titel",
    "Rechnungsadresse: Name: Vorname", "Rechnungsadresse: Name: Nachname",
    "Rechnungsadresse: Straße", "Rechnungsadresse: PLZ", "Rechnungsadresse: Stadt",
    "Rechnungsadresse: Land", "Rechnungsadresse: Bundesstaat", "USt-ID-Nr.", "Verkaufskanal",
    "Bestellsprache", "E-Mail-Adresse verifiziert", "Externe Kundennummer", "Check-in-Listen",
    "Zahlungsmethoden", "Link zur Bestellposition",
]


def pretix():
    booker = {
        "Kurzname der Veranstaltung": "dgt26", "Veranstaltungstitel": "Digitalgipfel 2026",
        "Bestellnummer": "A7K2Q", "E-Mail": "vorzimmer@ministerium.example",
        "Telefonnummer": "+49 30 18681-0", "Bestelldatum": "2026-03-02", "Bestelluhrzeit": "09:14:03",
        "Produkt": "Ticket", "Preis": "0,00", "Steuersatz": "0,00", "Steuer": "0,00",
        "Rechnungsadresse: Firma": "Bundesministerium des Innern",
        "Rechnungsadresse: Name": "Vorzimmer AL DG", "Rechnungsadresse: Stadt": "Berlin",
        "Verkaufskanal": "web", "Bestellsprache": "de", "E-Mail-Adresse verifiziert": "Ja",
        "Check-in-Listen": "Einlass",
    }
    people = [
        {**booker, "Position": "1", "Status": "bezahlt", "Name Teilnehmer*in": "Dr. Kai Brandt",
         "Name Teilnehmer*in: Titel": "Dr.", "Name Teilnehmer*in: Vorname": "Kai",
         "Name Teilnehmer*in: Nachname": "Brandt",
         "E-Mail Teilnehmer*in": "kai.brandt@bmi.example", "Teilnehmer*innen-Firma": "BMI",
         "Funktion": "Abteilungsleitung"},
        {**booker, "Position": "2", "Status": "bezahlt", "Name Teilnehmer*in": "Ümit Yılmaz",
         "Name Teilnehmer*in: Vorname": "Ümit", "Name Teilnehmer*in: Nachname": "Yılmaz",
         "Teilnehmer*innen-Firma": "BMI", "Funktion": "Referent"},
        {**booker, "Bestellnummer": "Z9P3M", "Position": "1", "Status": "storniert",
         "E-Mail": "svenja.kraemer@digitalagentur-nord.example",
         "Name Teilnehmer*in": "Svenja Krämer", "Name Teilnehmer*in: Vorname": "Svenja",
         "Name Teilnehmer*in: Nachname": "Krämer",
         "E-Mail Teilnehmer*in": "svenja.kraemer@digitalagentur-nord.example",
         "Teilnehmer*innen-Firma": "Digitalagentur Nord", "Adresse": "Hafenstraße 1",
         "Postleitzahl": "24103", "Stadt": "Kiel", "Land": "DE"},
    ]
    write("pretix_de.csv", PRETIX_DE, people, encoding="utf-8", delimiter=";")


if __name__ == "__main__":
    outlook()
    thunderbird()
    google()
    linkedin()
    pretix()
