#!/usr/bin/env python3
"""Writes the CSV exports of the tools users have (issue 13) that tests/csv_exports.rs reads.

Each file is made from the tool's published column list (see README.md) in the tool's encoding,
delimiter, quoting and line ends; the people (people.json) are invented (example.* domains).
Deterministic: run it again and the files are byte for byte the same. Python 3 standard library
only.

Usage: python3 generate.py  (writes next to this file)
"""

import csv
import io
import json
import os

HERE = os.path.dirname(os.path.abspath(__file__))

# The people, by tool (data, so that each tool's code below is only its format).
with open(os.path.join(HERE, "people.json"), encoding="utf-8") as f:
    PEOPLE = json.load(f)

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
    # Outlook fills some columns for every contact, whatever the user typed.
    o = PEOPLE["outlook"]
    people = [{**o["defaults"], **p} for p in o["people"]]
    write("outlook_de.csv", OUTLOOK_DE, people, encoding="cp1252", quoting=csv.QUOTE_ALL)


def thunderbird():
    t = PEOPLE["thunderbird"]
    write("thunderbird_de_utf8.csv", THUNDERBIRD_DE, t["people"], encoding="utf-8")
    # The system encoding, and `Anzeigename` written a second time (after `Spitzname`).
    write("thunderbird_de_cp1252.csv", THUNDERBIRD_DE, t["people"], encoding="cp1252",
          repeat=(4, "Anzeigename", t["second_display_name"]))


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
    write("google.csv", GOOGLE, PEOPLE["google"], encoding="utf-8", bom=True, newline="\n")


LINKEDIN_NOTES = (
    'Notes:\n"When exporting your connection data, you may notice that some of the email '
    "addresses are missing. You will only see email addresses for connections who have allowed "
    "their connections to see or download their email address using this setting "
    "https://www.linkedin.com/psettings/privacy/email. You can learn more here "
    'https://www.linkedin.com/help/linkedin/answer/261"\n\n'
)


def linkedin():
    headers = ["First Name", "Last Name", "URL", "Email Address", "Company", "Position", "Connected On"]
    write("linkedin_connections.csv", headers, PEOPLE["linkedin"], encoding="utf-8", newline="\n",
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
    # Positions of one order share the order's (the booker's) columns.
    p = PEOPLE["pretix"]
    people = [{**p["order"], **position} for position in p["positions"]]
    write("pretix_de.csv", PRETIX_DE, people, encoding="utf-8", delimiter=";")


if __name__ == "__main__":
    outlook()
    thunderbird()
    google()
    linkedin()
    pretix()
