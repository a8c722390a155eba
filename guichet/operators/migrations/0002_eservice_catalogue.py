"""The e-services of Annex 1 of the General Conditions."""

from django.db import migrations

CATALOGUE = [
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


def load(apps, schema_editor):
    EService = apps.get_model("operators", "EService")
    for position, (code, name, description) in enumerate(CATALOGUE, start=1):
        EService.objects.update_or_create(
            code=code, defaults={"name": name, "description": description, "position": position}
        )


class Migration(migrations.Migration):
    dependencies = [("operators", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
