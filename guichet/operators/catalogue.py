"""The e-services of Annex 1 of the General Conditions: (code, name, description), in order.

Loaded by migration ``0002_eservice_catalogue`` and again, idempotently, by
``services.contracts.load_catalogue`` (a flushed database — tests, a restored dump — gets
it back without overwriting what the Provider edited).
"""

ESERVICES: list[tuple[str, str, str]] = [
    (
        "eligibilite-ftte",
        "Eligibilité FTTE",
        "Vérifier, à partir d'un numéro de désignation ou d'une adresse, la compatibilité technique et commerciale d'un accès avec l'offre Accès FTTE.",
    ),
    (
        "e-rdv",
        "e-RDV Grand Public",
        "Réserver un rendez-vous d'intervention directement et en temps réel dans le planning des techniciens, pour les commandes d'accès FTTH.",
    ),
    (
        "e-sav",
        "e-SAV",
        "Réaliser des tests sur les équipements, déposer et suivre des signalisations sur son parc.",
    ),
    (
        "e-soutien",
        "e-soutien",
        "Déposer une signalisation sur le fonctionnement d'un e-service, avec un formulaire adapté à chacun.",
    ),
    (
        "e-mutation",
        "e-Mutation Fibre FTTH",
        "Réaffecter la fibre d'une ligne FTTH commandée, sans appel à la hotline.",
    ),
    (
        "eep",
        "EEP — Échanges Électroniques Professionnels",
        "Échanger automatiquement et de manière sécurisée des fichiers entre systèmes d'information.",
    ),
    (
        "tao",
        "TAO — Translation d'Adresses Opérateur",
        "Connaître la structure de l'adresse d'un logement FTTH : bâtiments, escaliers, étages, portes et PTO.",
    ),
]
