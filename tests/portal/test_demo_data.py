import pytest
from django.core.management import call_command

from certification.models import User
from codice.models import Amendment, CodeVersion, Meeting


@pytest.mark.django_db
def test_demo_data_loads_every_role_and_every_version_state(capsys):
    call_command("load_demo")
    out = capsys.readouterr().out
    assert "bollinoblu-demo" in out
    assert set(User.objects.values_list("role", flat=True)) == set(User.Role.values)
    statuses = dict(CodeVersion.objects.values_list("number", "status"))
    assert statuses == {"1.0": "superata", "2.0": "pubblicata", "3.0": "bozza"}
    assert Meeting.objects.count() >= 3
    assert set(Amendment.objects.values_list("status", flat=True)) == set(Amendment.Status.values)
    draft = CodeVersion.objects.get(number="3.0")
    for amendment in Amendment.objects.filter(status=Amendment.Status.ACCEPTED):
        assert draft.articles.get(key=amendment.article_key).body == amendment.proposed_text
    committee = User.objects.get(email="comitato@oic.demo")
    assert committee.check_password("bollinoblu-demo")

    from certification.models import Application, Audit, Decision, Nonconformity

    statuses = set(Application.objects.values_list("status", flat=True))
    assert statuses == set(Application.Status.values)
    decided = Application.objects.filter(status__in=["approvata", "respinta"])
    assert Decision.objects.filter(application__in=decided).count() == decided.count()
    assert Audit.objects.filter(status=Audit.Status.COMPLETED).exists()
    assert Audit.objects.filter(status=Audit.Status.IN_PROGRESS).exists()
    assert Nonconformity.objects.filter(status=Nonconformity.Status.ACCEPTED).exists()


@pytest.mark.django_db
def test_demo_seals_in_every_status_with_their_certificates(
    private_root, django_capture_on_commit_callbacks
):
    from certification.models import CertificateFile, Seal, SealEvent

    with django_capture_on_commit_callbacks(execute=True):
        call_command("load_demo")
    assert set(Seal.objects.values_list("status", flat=True)) == set(Seal.Status.values)
    assert set(Seal.objects.values_list("pdf_status", flat=True)) == {Seal.PdfStatus.READY}
    for seal in Seal.objects.all():
        assert (private_root / seal.pdf_file).read_bytes().startswith(b"%PDF")
        assert CertificateFile.objects.filter(seal=seal).count() == 1
    assert SealEvent.objects.filter(from_status="sospeso", to_status="attivo").exists()
    own = Seal.objects.get(organization__members__email="richiedente@contactcenter.demo")
    assert own.is_active
    assert own.organization.applications.filter(kind="rinnovo", status="bozza").exists()


@pytest.mark.django_db
def test_demo_data_is_kept_when_loaded_again(capsys):
    call_command("load_demo")
    versions = list(CodeVersion.objects.values_list("pk", flat=True))
    call_command("load_demo")
    assert "già presente" in capsys.readouterr().out
    assert list(CodeVersion.objects.values_list("pk", flat=True)) == versions
