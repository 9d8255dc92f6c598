from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True

    dependencies = []

    operations = [
        migrations.CreateModel(
            name="OutboxEvent",
            fields=[
                ("id", models.BigAutoField(primary_key=True, serialize=False)),
                ("event_id", models.CharField(db_index=True, max_length=200)),
                ("event_type", models.CharField(max_length=50)),
                ("payload", models.TextField(help_text="The event as JSON, exactly as validated")),
                ("created_at", models.DateTimeField(db_index=True)),
                ("sent_at", models.DateTimeField(blank=True, db_index=True, null=True)),
                ("attempts", models.PositiveIntegerField(default=0)),
                ("last_error", models.TextField(blank=True, default="")),
            ],
            options={
                "verbose_name": "Knocker outbox event",
                "db_table": "knocker_outbox_event",
                "ordering": ["id"],
            },
        ),
    ]
