"""The words of the demo library's documents, in the document's own language (not the reader's).

Each document type has an outline of sections; each section a heading and paragraphs written
around the document's product and topic (``{product}``, ``{topic}``). ``library_pdf`` lays them out.
"""

from __future__ import annotations

OUTLINES: dict[str, tuple[str, ...]] = {
    "manual": (
        "safety",
        "intended_use",
        "setup",
        "procedure",
        "results",
        "troubleshooting",
        "maintenance",
        "technical_data",
    ),
    "application_note": (
        "introduction",
        "application",
        "setup",
        "procedure",
        "results",
        "conclusion",
        "technical_data",
    ),
    "paper": (
        "abstract",
        "introduction",
        "method",
        "field_experience",
        "results",
        "conclusion",
        "references",
    ),
    "video": (
        "about_video",
        "chapters",
        "setup",
        "procedure",
        "results",
        "conclusion",
    ),
    "article": (
        "introduction",
        "application",
        "field_experience",
        "results",
        "conclusion",
    ),
}
"""Document type → its sections, in order (one page each, after the cover page)."""

SECTIONS: dict[str, dict[str, tuple[str, tuple[str, ...]]]] = {
    "en": {
        "safety": (
            "Safety instructions",
            (
                (
                    "Only qualified personnel trained in high-voltage testing may operate the {product}. Before "
                    "connecting the test set to {topic}, disconnect the test object from the network, earth it on "
                    "both sides and secure the working area against re-energisation."
                ),
                (
                    "Connect the protective earth of the {product} first and remove it last. Never touch the test "
                    "leads while an output is active; the red signal lamp on the front panel shows that dangerous "
                    "voltages may be present."
                ),
            ),
        ),
        "intended_use": (
            "Intended use",
            (
                (
                    "The {product} is designed for testing {topic} in substations, power plants and industrial "
                    "networks. It generates the test quantities, measures the response of the test object and "
                    "stores the results."
                ),
                (
                    "Any other use is regarded as improper. OMICRON accepts no liability for damage resulting from "
                    "improper use or from changes to the test set that were not approved in writing."
                ),
            ),
        ),
        "setup": (
            "Connecting the test set",
            (
                (
                    "Place the {product} on a stable surface next to the test object and connect it to the mains "
                    "supply. Use the supplied cables only: their cross-section and insulation are rated for the "
                    "currents and voltages of the test."
                ),
                (
                    "Wire the outputs to the terminals of the test object as shown in the wiring diagram of the "
                    "test template. Check every connection twice before switching on; a loose clamp is the most "
                    "frequent cause of implausible readings."
                ),
            ),
        ),
        "procedure": (
            "Test procedure",
            (
                (
                    "Open the test template for {topic} and enter the nameplate data of the test object. The "
                    "{product} derives the test points from these values; adjust them only if the manufacturer's "
                    "data say otherwise."
                ),
                (
                    "Start the sequence and follow the instructions on the screen. Each step is assessed "
                    "automatically against the tolerances of the template; a failed step can be repeated without "
                    "restarting the whole sequence."
                ),
            ),
        ),
        "results": (
            "Evaluating the results",
            (
                (
                    "Compare the measured values with the factory test report and with earlier measurements of the "
                    "same object. A trend over several years tells more about the condition of {topic} than a "
                    "single value."
                ),
                (
                    "Deviations of more than the tolerance shown in the table should be investigated before the "
                    "object goes back into service. Export the report as PDF or XML to file it in your asset "
                    "management system."
                ),
            ),
        ),
        "troubleshooting": (
            "Troubleshooting",
            (
                (
                    "If the {product} reports an overload, reduce the test current or check the wiring for short "
                    "circuits. Over-temperature messages disappear once the test set has cooled down for a few "
                    "minutes."
                ),
                (
                    "Unstable readings are usually caused by interference from nearby live equipment. Twist the "
                    "measurement leads, keep them away from the current cables and repeat the measurement with "
                    "averaging switched on."
                ),
            ),
        ),
        "maintenance": (
            "Maintenance and calibration",
            (
                (
                    "Clean the housing with a dry cloth and check the cables for damage before every use. Damaged "
                    "cables must be replaced; they cannot be repaired safely."
                ),
                (
                    "OMICRON recommends calibrating the {product} every year. The calibration certificate states "
                    "the measured accuracy of every range and is accepted by the usual quality management systems."
                ),
            ),
        ),
        "technical_data": (
            "Technical data",
            (("The following values apply at an ambient temperature of 23 °C after a warm-up time of 25 minutes."),),
        ),
        "introduction": (
            "Introduction",
            (
                (
                    "Testing {topic} regularly is essential for a reliable power supply. This document shows how "
                    "the {product} helps to perform these tests quickly, safely and with reproducible results."
                ),
                (
                    "It is written for test engineers and commissioning staff who are familiar with the basics of "
                    "electrical measurements but want a practical guide for their daily work."
                ),
            ),
        ),
        "application": (
            "Application",
            (
                (
                    "Typical applications are commissioning tests, routine maintenance and the analysis of faults. "
                    "In each case the {product} replaces several single instruments and reduces the wiring effort."
                ),
                (
                    "Because the test sequence is stored in a template, the same test can be repeated years later "
                    "under identical conditions, which makes the results directly comparable."
                ),
            ),
        ),
        "conclusion": (
            "Conclusion",
            (
                (
                    "With the {product}, testing {topic} becomes a matter of a few well-defined steps. The "
                    "automatic assessment saves time on site and the reports document the condition of the "
                    "equipment."
                ),
                (
                    "For further questions, contact your local OMICRON support team; training courses on this topic"
                    " are offered regularly in your region."
                ),
            ),
        ),
        "abstract": (
            "Abstract",
            (
                (
                    "This paper summarises field experience with testing {topic} using the {product}. Measurements "
                    "on more than 200 objects were evaluated and compared with laboratory results."
                ),
                (
                    "The results show that on-site measurements reach the accuracy needed for a reliable "
                    "assessment, provided that interference is handled correctly."
                ),
            ),
        ),
        "method": (
            "Method",
            (
                (
                    "All measurements were carried out with the {product} and the standard test templates. The test"
                    " objects were de-energised and earthed; ambient temperature and humidity were recorded for "
                    "every test."
                ),
                (
                    "Each measurement was repeated three times. The spread of the repetitions was used to estimate "
                    "the uncertainty of the on-site results."
                ),
            ),
        ),
        "field_experience": (
            "Field experience",
            (
                (
                    "Utilities report that the test time per object dropped by about a third after the introduction"
                    " of the {product}, mainly because the wiring no longer has to be changed between tests."
                ),
                (
                    "The most common findings were contact problems, ageing insulation and wrong settings, all of "
                    "which could be corrected before they led to an outage."
                ),
            ),
        ),
        "references": (
            "References",
            (
                "IEC 60076-1, Power transformers – Part 1: General.",
                "IEC 60255-1, Measuring relays and protection equipment – Part 1: Common requirements.",
                "OMICRON Academy, Testing {topic}: training documentation, current edition.",
            ),
        ),
        "about_video": (
            "About this video",
            (
                (
                    "This video shows step by step how to test {topic} with the {product}. It lasts about twelve "
                    "minutes and can be watched in the Customer Area at any time."
                ),
                (
                    "This document contains the chapters of the video and the key points of each chapter, so that "
                    "you can find a passage again or use it as a checklist on site."
                ),
            ),
        ),
        "chapters": (
            "Chapters",
            (
                ("00:00 Introduction and safety · 01:30 Connecting the test set · 03:45 Entering the nameplate data"),
                "05:10 Running the test sequence · 08:20 Evaluating the results · 10:40 Creating the report",
            ),
        ),
    },
    "de": {
        "safety": (
            "Sicherheitshinweise",
            (
                (
                    "Der {product} darf nur von qualifiziertem, in der Hochspannungsprüfung geschultem Personal "
                    "bedient werden. Trennen Sie das Prüfobjekt vor dem Anschluss vom Netz, erden Sie es beidseitig"
                    " und sichern Sie den Arbeitsbereich gegen Wiedereinschalten."
                ),
                (
                    "Schließen Sie die Schutzerde des {product} zuerst an und entfernen Sie sie zuletzt. Berühren "
                    "Sie die Prüfleitungen nie bei aktivem Ausgang; die rote Signallampe zeigt an, dass gefährliche"
                    " Spannungen anliegen können."
                ),
            ),
        ),
        "intended_use": (
            "Bestimmungsgemäße Verwendung",
            (
                (
                    "Der {product} ist für die Prüfung von {topic} in Umspannwerken, Kraftwerken und "
                    "Industrienetzen bestimmt. Er erzeugt die Prüfgrößen, misst die Reaktion des Prüfobjekts und "
                    "speichert die Ergebnisse."
                ),
                (
                    "Jede andere Verwendung gilt als nicht bestimmungsgemäß. OMICRON haftet nicht für Schäden durch"
                    " unsachgemäße Verwendung oder durch nicht schriftlich genehmigte Änderungen am Prüfgerät."
                ),
            ),
        ),
        "setup": (
            "Anschluss des Prüfgeräts",
            (
                (
                    "Stellen Sie den {product} auf eine stabile Fläche neben dem Prüfobjekt und schließen Sie ihn "
                    "an die Netzversorgung an. Verwenden Sie nur die mitgelieferten Kabel: Querschnitt und "
                    "Isolation sind für die Ströme und Spannungen der Prüfung ausgelegt."
                ),
                (
                    "Verdrahten Sie die Ausgänge mit den Klemmen des Prüfobjekts wie im Anschlussbild der "
                    "Prüfvorlage gezeigt. Prüfen Sie jede Verbindung zweimal; eine lose Klemme ist die häufigste "
                    "Ursache unplausibler Messwerte."
                ),
            ),
        ),
        "procedure": (
            "Prüfablauf",
            (
                (
                    "Öffnen Sie die Prüfvorlage für die Prüfung von {topic} und geben Sie die Typenschilddaten ein."
                    " Der {product} leitet daraus die Prüfpunkte ab; ändern Sie diese nur, wenn die "
                    "Herstellerangaben es verlangen."
                ),
                (
                    "Starten Sie die Sequenz und folgen Sie den Anweisungen am Bildschirm. Jeder Schritt wird "
                    "automatisch anhand der Toleranzen der Vorlage bewertet; ein fehlgeschlagener Schritt kann "
                    "einzeln wiederholt werden."
                ),
            ),
        ),
        "results": (
            "Auswertung der Ergebnisse",
            (
                (
                    "Vergleichen Sie die Messwerte mit dem Werksprüfprotokoll und mit früheren Messungen desselben "
                    "Objekts. Ein Verlauf über mehrere Jahre sagt mehr über den Zustand von {topic} aus als ein "
                    "Einzelwert."
                ),
                (
                    "Abweichungen über die in der Tabelle genannte Toleranz hinaus sollten untersucht werden, bevor"
                    " das Objekt wieder in Betrieb geht. Exportieren Sie das Protokoll als PDF oder XML für Ihr "
                    "Asset-Management."
                ),
            ),
        ),
        "troubleshooting": (
            "Fehlerbehebung",
            (
                (
                    "Meldet der {product} eine Überlast, verringern Sie den Prüfstrom oder prüfen Sie die "
                    "Verdrahtung auf Kurzschlüsse. Übertemperaturmeldungen verschwinden, sobald das Gerät einige "
                    "Minuten abgekühlt ist."
                ),
                (
                    "Instabile Messwerte entstehen meist durch Störungen benachbarter Anlagenteile unter Spannung. "
                    "Verdrillen Sie die Messleitungen, halten Sie sie von den Stromkabeln fern und messen Sie mit "
                    "Mittelwertbildung."
                ),
            ),
        ),
        "maintenance": (
            "Wartung und Kalibrierung",
            (
                (
                    "Reinigen Sie das Gehäuse mit einem trockenen Tuch und prüfen Sie die Kabel vor jedem Einsatz "
                    "auf Beschädigungen. Beschädigte Kabel müssen ersetzt werden; sie lassen sich nicht sicher "
                    "reparieren."
                ),
                (
                    "OMICRON empfiehlt, den {product} jährlich zu kalibrieren. Das Kalibrierzertifikat nennt die "
                    "gemessene Genauigkeit jedes Bereichs und wird von den üblichen Qualitätsmanagementsystemen "
                    "anerkannt."
                ),
            ),
        ),
        "technical_data": (
            "Technische Daten",
            (
                (
                    "Die folgenden Werte gelten bei einer Umgebungstemperatur von 23 °C nach einer Aufwärmzeit von "
                    "25 Minuten."
                ),
            ),
        ),
        "introduction": (
            "Einleitung",
            (
                (
                    "Die regelmäßige Prüfung von {topic} ist für eine zuverlässige Stromversorgung unerlässlich. "
                    "Dieses Dokument zeigt, wie der {product} diese Prüfungen schnell, sicher und reproduzierbar "
                    "macht."
                ),
                (
                    "Es richtet sich an Prüfingenieure und Inbetriebnahmepersonal, die die Grundlagen elektrischer "
                    "Messungen kennen und eine praktische Anleitung für die tägliche Arbeit suchen."
                ),
            ),
        ),
        "application": (
            "Anwendung",
            (
                (
                    "Typische Anwendungen sind Inbetriebnahmeprüfungen, die regelmäßige Wartung und die Analyse von"
                    " Fehlern. In jedem Fall ersetzt der {product} mehrere Einzelgeräte und verringert den "
                    "Verdrahtungsaufwand."
                ),
                (
                    "Da der Prüfablauf in einer Vorlage gespeichert ist, lässt sich dieselbe Prüfung Jahre später "
                    "unter gleichen Bedingungen wiederholen; die Ergebnisse sind direkt vergleichbar."
                ),
            ),
        ),
        "conclusion": (
            "Fazit",
            (
                (
                    "Mit dem {product} wird die Prüfung von {topic} zu wenigen, klar definierten Schritten. Die "
                    "automatische Bewertung spart Zeit vor Ort, und die Protokolle dokumentieren den Zustand der "
                    "Betriebsmittel."
                ),
                (
                    "Bei weiteren Fragen wenden Sie sich an Ihren OMICRON-Support; Schulungen zu diesem Thema "
                    "finden regelmäßig in Ihrer Region statt."
                ),
            ),
        ),
        "abstract": (
            "Zusammenfassung",
            (
                (
                    "Dieser Beitrag fasst Praxiserfahrungen mit der Prüfung von {topic} mit dem {product} zusammen."
                    " Messungen an mehr als 200 Objekten wurden ausgewertet und mit Laborergebnissen verglichen."
                ),
                (
                    "Die Ergebnisse zeigen, dass Vor-Ort-Messungen die für eine zuverlässige Bewertung nötige "
                    "Genauigkeit erreichen, sofern Störeinflüsse richtig behandelt werden."
                ),
            ),
        ),
        "method": (
            "Methode",
            (
                (
                    "Alle Messungen wurden mit dem {product} und den Standard-Prüfvorlagen durchgeführt. Die "
                    "Prüfobjekte waren freigeschaltet und geerdet; Umgebungstemperatur und Luftfeuchte wurden bei "
                    "jeder Prüfung erfasst."
                ),
                (
                    "Jede Messung wurde dreimal wiederholt. Aus der Streuung der Wiederholungen wurde die "
                    "Unsicherheit der Vor-Ort-Ergebnisse abgeschätzt."
                ),
            ),
        ),
        "field_experience": (
            "Praxiserfahrungen",
            (
                (
                    "Netzbetreiber berichten, dass die Prüfzeit je Objekt nach Einführung des {product} um etwa ein"
                    " Drittel gesunken ist, vor allem weil die Verdrahtung zwischen den Prüfungen nicht mehr "
                    "geändert werden muss."
                ),
                (
                    "Die häufigsten Befunde waren Kontaktprobleme, gealterte Isolation und falsche Einstellungen; "
                    "alle konnten behoben werden, bevor sie zu einem Ausfall führten."
                ),
            ),
        ),
        "references": (
            "Literatur",
            (
                "IEC 60076-1, Leistungstransformatoren – Teil 1: Allgemeines.",
                "IEC 60255-1, Messrelais und Schutzeinrichtungen – Teil 1: Allgemeine Anforderungen.",
                "OMICRON Academy, Prüfung von {topic}: Schulungsunterlagen, aktuelle Ausgabe.",
            ),
        ),
        "about_video": (
            "Über dieses Video",
            (
                (
                    "Dieses Video zeigt Schritt für Schritt die Prüfung von {topic} mit dem {product}. Es dauert "
                    "etwa zwölf Minuten und kann jederzeit im Kundenbereich angesehen werden."
                ),
                (
                    "Dieses Dokument enthält die Kapitel des Videos und die wichtigsten Punkte jedes Kapitels, "
                    "damit Sie eine Stelle wiederfinden oder es vor Ort als Checkliste verwenden können."
                ),
            ),
        ),
        "chapters": (
            "Kapitel",
            (
                (
                    "00:00 Einführung und Sicherheit · 01:30 Anschluss des Prüfgeräts · 03:45 Eingabe der "
                    "Typenschilddaten"
                ),
                "05:10 Ablauf der Prüfsequenz · 08:20 Auswertung der Ergebnisse · 10:40 Erstellen des Protokolls",
            ),
        ),
    },
    "fr": {
        "safety": (
            "Consignes de sécurité",
            (
                (
                    "Seul un personnel qualifié, formé aux essais haute tension, peut utiliser le {product}. Avant "
                    "de raccorder l'appareil d'essai aux {topic}, déconnectez l'objet testé du réseau, mettez-le à "
                    "la terre des deux côtés et protégez la zone de travail contre toute remise sous tension."
                ),
                (
                    "Raccordez la terre de protection du {product} en premier et retirez-la en dernier. Ne touchez "
                    "jamais les câbles d'essai lorsqu'une sortie est active ; le voyant rouge indique la présence "
                    "possible de tensions dangereuses."
                ),
            ),
        ),
        "intended_use": (
            "Utilisation prévue",
            (
                (
                    "Le {product} est conçu pour tester les {topic} dans les postes électriques, les centrales et "
                    "les réseaux industriels. Il génère les grandeurs d'essai, mesure la réponse de l'objet testé "
                    "et enregistre les résultats."
                ),
                (
                    "Toute autre utilisation est considérée comme non conforme. OMICRON décline toute "
                    "responsabilité pour les dommages dus à une utilisation non conforme ou à des modifications non"
                    " approuvées par écrit."
                ),
            ),
        ),
        "setup": (
            "Raccordement de l'appareil d'essai",
            (
                (
                    "Placez le {product} sur une surface stable à côté de l'objet testé et branchez-le sur le "
                    "secteur. Utilisez uniquement les câbles fournis : leur section et leur isolation sont "
                    "dimensionnées pour les courants et tensions de l'essai."
                ),
                (
                    "Câblez les sorties aux bornes de l'objet testé comme indiqué sur le schéma du modèle d'essai. "
                    "Vérifiez chaque connexion deux fois ; une pince mal serrée est la cause la plus fréquente de "
                    "mesures invraisemblables."
                ),
            ),
        ),
        "procedure": (
            "Déroulement de l'essai",
            (
                (
                    "Ouvrez le modèle d'essai pour les {topic} et saisissez les données de la plaque signalétique "
                    "de l'objet testé. Le {product} en déduit les points d'essai ; ne les modifiez que si les "
                    "données du constructeur l'exigent."
                ),
                (
                    "Lancez la séquence et suivez les instructions à l'écran. Chaque étape est évaluée "
                    "automatiquement selon les tolérances du modèle ; une étape en échec peut être répétée sans "
                    "relancer toute la séquence."
                ),
            ),
        ),
        "results": (
            "Évaluation des résultats",
            (
                (
                    "Comparez les valeurs mesurées avec le rapport d'essai en usine et avec les mesures antérieures"
                    " du même objet. Une tendance sur plusieurs années en dit plus sur l'état des {topic} qu'une "
                    "valeur isolée."
                ),
                (
                    "Les écarts supérieurs à la tolérance indiquée dans le tableau doivent être examinés avant la "
                    "remise en service. Exportez le rapport en PDF ou en XML pour votre système de gestion des "
                    "actifs."
                ),
            ),
        ),
        "troubleshooting": (
            "Dépannage",
            (
                (
                    "Si le {product} signale une surcharge, réduisez le courant d'essai ou vérifiez l'absence de "
                    "court-circuit dans le câblage. Les messages de surchauffe disparaissent après quelques minutes"
                    " de refroidissement."
                ),
                (
                    "Des mesures instables sont généralement dues aux perturbations d'équipements voisins sous "
                    "tension. Torsadez les câbles de mesure, éloignez-les des câbles de courant et répétez la "
                    "mesure avec moyennage."
                ),
            ),
        ),
        "maintenance": (
            "Entretien et étalonnage",
            (
                (
                    "Nettoyez le boîtier avec un chiffon sec et vérifiez l'état des câbles avant chaque "
                    "utilisation. Les câbles endommagés doivent être remplacés ; ils ne peuvent pas être réparés en"
                    " toute sécurité."
                ),
                (
                    "OMICRON recommande d'étalonner le {product} chaque année. Le certificat d'étalonnage indique "
                    "la précision mesurée de chaque gamme et est reconnu par les systèmes de management de la "
                    "qualité usuels."
                ),
            ),
        ),
        "technical_data": (
            "Caractéristiques techniques",
            (
                (
                    "Les valeurs suivantes s'appliquent à une température ambiante de 23 °C après un temps de "
                    "chauffe de 25 minutes."
                ),
            ),
        ),
        "introduction": (
            "Introduction",
            (
                (
                    "Tester régulièrement les {topic} est essentiel à la fiabilité de l'alimentation électrique. Ce"
                    " document montre comment le {product} permet de réaliser ces essais rapidement, en sécurité et"
                    " de façon reproductible."
                ),
                (
                    "Il s'adresse aux ingénieurs d'essai et aux équipes de mise en service qui connaissent les "
                    "bases des mesures électriques et cherchent un guide pratique pour leur travail quotidien."
                ),
            ),
        ),
        "application": (
            "Application",
            (
                (
                    "Les applications typiques sont les essais de mise en service, la maintenance périodique et "
                    "l'analyse des défauts. Dans chaque cas, le {product} remplace plusieurs instruments et réduit "
                    "le câblage."
                ),
                (
                    "La séquence d'essai étant enregistrée dans un modèle, le même essai peut être répété des "
                    "années plus tard dans des conditions identiques ; les résultats sont directement comparables."
                ),
            ),
        ),
        "conclusion": (
            "Conclusion",
            (
                (
                    "Avec le {product}, tester les {topic} se résume à quelques étapes bien définies. L'évaluation "
                    "automatique fait gagner du temps sur site et les rapports documentent l'état des équipements."
                ),
                (
                    "Pour toute question, contactez votre support OMICRON local ; des formations sur ce thème sont "
                    "proposées régulièrement dans votre région."
                ),
            ),
        ),
        "abstract": (
            "Résumé",
            (
                (
                    "Cet article résume l'expérience de terrain acquise en testant les {topic} avec le {product}. "
                    "Les mesures de plus de 200 objets ont été évaluées et comparées aux résultats de laboratoire."
                ),
                (
                    "Les résultats montrent que les mesures sur site atteignent la précision nécessaire à une "
                    "évaluation fiable, à condition de bien maîtriser les perturbations."
                ),
            ),
        ),
        "method": (
            "Méthode",
            (
                (
                    "Toutes les mesures ont été réalisées avec le {product} et les modèles d'essai standard. Les "
                    "objets testés étaient consignés et mis à la terre ; la température et l'humidité ont été "
                    "relevées à chaque essai."
                ),
                (
                    "Chaque mesure a été répétée trois fois. La dispersion des répétitions a servi à estimer "
                    "l'incertitude des résultats sur site."
                ),
            ),
        ),
        "field_experience": (
            "Retour d'expérience",
            (
                (
                    "Les gestionnaires de réseau indiquent que le temps d'essai par objet a baissé d'environ un "
                    "tiers depuis l'introduction du {product}, surtout parce que le câblage ne doit plus être "
                    "modifié entre les essais."
                ),
                (
                    "Les constats les plus fréquents étaient des problèmes de contact, une isolation vieillissante "
                    "et de mauvais réglages, tous corrigés avant de provoquer une coupure."
                ),
            ),
        ),
        "references": (
            "Références",
            (
                "CEI 60076-1, Transformateurs de puissance – Partie 1 : Généralités.",
                "CEI 60255-1, Relais de mesure et dispositifs de protection – Partie 1 : Exigences communes.",
                "OMICRON Academy, Tester les {topic} : documentation de formation, édition en vigueur.",
            ),
        ),
        "about_video": (
            "À propos de cette vidéo",
            (
                (
                    "Cette vidéo montre pas à pas comment tester les {topic} avec le {product}. Elle dure environ "
                    "douze minutes et peut être regardée à tout moment dans l'Espace Client."
                ),
                (
                    "Ce document reprend les chapitres de la vidéo et les points clés de chacun, pour retrouver un "
                    "passage ou s'en servir comme liste de contrôle sur site."
                ),
            ),
        ),
        "chapters": (
            "Chapitres",
            (
                (
                    "00:00 Introduction et sécurité · 01:30 Raccordement de l'appareil · 03:45 Saisie de la plaque "
                    "signalétique"
                ),
                "05:10 Séquence d'essai · 08:20 Évaluation des résultats · 10:40 Création du rapport",
            ),
        ),
    },
}
"""Language → section key → (heading, paragraphs)."""

LABELS: dict[str, dict[str, str]] = {
    "en": {
        "product": "Product",
        "family": "Product family",
        "topic": "Topic",
        "type": "Document type",
        "language": "Language",
        "published": "Published",
        "number": "Document number",
        "contents": "Contents",
        "page": "Page {page} of {pages}",
        "quantity": "Quantity",
        "value": "Value",
        "manual": "User manual",
        "application_note": "Application note",
        "paper": "Technical paper",
        "video": "Video",
        "article": "Article",
        "language_name": "English",
    },
    "de": {
        "product": "Produkt",
        "family": "Produktfamilie",
        "topic": "Thema",
        "type": "Dokumenttyp",
        "language": "Sprache",
        "published": "Veröffentlicht",
        "number": "Dokumentnummer",
        "contents": "Inhalt",
        "page": "Seite {page} von {pages}",
        "quantity": "Größe",
        "value": "Wert",
        "manual": "Benutzerhandbuch",
        "application_note": "Anwendungshinweis",
        "paper": "Fachbeitrag",
        "video": "Video",
        "article": "Artikel",
        "language_name": "Deutsch",
    },
    "fr": {
        "product": "Produit",
        "family": "Famille de produits",
        "topic": "Thème",
        "type": "Type de document",
        "language": "Langue",
        "published": "Publié le",
        "number": "Numéro de document",
        "contents": "Sommaire",
        "page": "Page {page} sur {pages}",
        "quantity": "Grandeur",
        "value": "Valeur",
        "manual": "Manuel d'utilisation",
        "application_note": "Note d'application",
        "paper": "Article technique",
        "video": "Vidéo",
        "article": "Article",
        "language_name": "Français",
    },
}
"""Language → the words of the cover page, the footer and the tables."""

TECHNICAL_DATA: dict[str, tuple[tuple[str, str], ...]] = {
    "en": (
        (
            "Output current",
            "0 … 800 A AC",
        ),
        (
            "Output voltage",
            "0 … 2 kV AC",
        ),
        (
            "Frequency",
            "15 … 400 Hz",
        ),
        (
            "Accuracy (typical)",
            "0.05 % of reading",
        ),
        (
            "Mains supply",
            "100 … 240 V, 50/60 Hz",
        ),
        (
            "Weight",
            "29 kg",
        ),
        (
            "Operating temperature",
            "-10 … +55 °C",
        ),
    ),
    "de": (
        (
            "Ausgangsstrom",
            "0 … 800 A AC",
        ),
        (
            "Ausgangsspannung",
            "0 … 2 kV AC",
        ),
        (
            "Frequenz",
            "15 … 400 Hz",
        ),
        (
            "Genauigkeit (typisch)",
            "0,05 % vom Messwert",
        ),
        (
            "Netzversorgung",
            "100 … 240 V, 50/60 Hz",
        ),
        (
            "Gewicht",
            "29 kg",
        ),
        (
            "Betriebstemperatur",
            "-10 … +55 °C",
        ),
    ),
    "fr": (
        (
            "Courant de sortie",
            "0 … 800 A CA",
        ),
        (
            "Tension de sortie",
            "0 … 2 kV CA",
        ),
        (
            "Fréquence",
            "15 … 400 Hz",
        ),
        (
            "Précision (typique)",
            "0,05 % de la lecture",
        ),
        (
            "Alimentation secteur",
            "100 … 240 V, 50/60 Hz",
        ),
        (
            "Poids",
            "29 kg",
        ),
        (
            "Température de fonctionnement",
            "-10 … +55 °C",
        ),
    ),
}
"""Language → (quantity, value) rows of the "technical data" section."""

TOPIC_PHRASES: dict[str, dict[str, str]] = {
    "en": {
        "protection": "protection relays",
        "transformers": "power transformers",
        "breakers": "circuit breakers",
        "instrument": "instrument transformers",
        "rotating": "rotating machines",
        "partial_discharge": "partial discharge in high-voltage insulation",
        "cables": "power cables",
        "substation": "substation automation systems",
    },
    "de": {
        "protection": "Schutzrelais",
        "transformers": "Leistungstransformatoren",
        "breakers": "Leistungsschaltern",
        "instrument": "Messwandlern",
        "rotating": "rotierenden Maschinen",
        "partial_discharge": "Teilentladungen",
        "cables": "Energiekabeln",
        "substation": "Stationsautomatisierungssystemen",
    },
    "fr": {
        "protection": "relais de protection",
        "transformers": "transformateurs de puissance",
        "breakers": "disjoncteurs",
        "instrument": "transformateurs de mesure",
        "rotating": "machines tournantes",
        "partial_discharge": "décharges partielles",
        "cables": "câbles de puissance",
        "substation": "systèmes d'automatisation de poste",
    },
}
"""Language → topic code → the topic as the documents' sentences use it (French: plural, after "les")."""

TOPIC_NAMES: dict[str, dict[str, str]] = {
    "en": {
        "protection": "protection relays",
        "transformers": "power transformers",
        "breakers": "circuit breakers",
        "instrument": "instrument transformers",
        "rotating": "rotating machines",
        "partial_discharge": "partial discharge",
        "cables": "cables",
        "substation": "substation automation",
    },
    "de": {
        "protection": "Schutzrelais",
        "transformers": "Leistungstransformatoren",
        "breakers": "Leistungsschalter",
        "instrument": "Messwandler",
        "rotating": "rotierende Maschinen",
        "partial_discharge": "Teilentladung",
        "cables": "Kabel",
        "substation": "Stationsautomatisierung",
    },
    "fr": {
        "protection": "relais de protection",
        "transformers": "transformateurs de puissance",
        "breakers": "disjoncteurs",
        "instrument": "transformateurs de mesure",
        "rotating": "machines tournantes",
        "partial_discharge": "décharges partielles",
        "cables": "câbles",
        "substation": "automatisation des postes",
    },
}
"""Language → topic code → the topic's name (titles, summaries and the cover page)."""
