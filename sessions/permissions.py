"""Who may see and do what in the dialogue calendar: decided here, nowhere else."""

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.http import Http404
from django.shortcuts import get_object_or_404

from dialogue_portal.roles import is_secretariat
from stakeholders.permissions import get_organisation_for_focal_point

from .models import Dialogue, DialogueChair, Intervention, Registration
from .selectors import dialogue_for_page, ordinal_of_dialogue, with_ordinals


def user_is_chair(user: AbstractBaseUser | AnonymousUser) -> bool:
    """A Chair or Co-Chair of any dialogue, through the account that drafts its summary."""
    return bool(user.is_authenticated and DialogueChair.objects.filter(user=user).exists())


def get_dialogue_for_public(pk: int) -> Dialogue:
    """The dialogue as anyone may see it, or 404. Every dialogue's public page is public."""
    dialogue = dialogue_for_page(pk=pk).first()
    if dialogue is None:
        raise Http404
    return dialogue


def get_dialogue_for_secretariat(user, pk: int) -> Dialogue:
    """The dialogue with its ``ordinal`` (for the page's title), for the secretariat only."""
    if not is_secretariat(user):
        raise Http404
    return get_object_or_404(with_ordinals(Dialogue.objects.select_related("session__working_group")), pk=pk)


def get_dialogue_for_speakers_list(user, pk: int) -> Dialogue:
    """The speakers' list: the secretariat's, and the dialogue's Chairs' to read."""
    dialogue = get_object_or_404(
        with_ordinals(Dialogue.objects.select_related("session__working_group")), pk=pk
    )
    if is_secretariat(user) or (user.is_authenticated and dialogue.chairs.filter(user=user).exists()):
        return dialogue
    raise Http404


def get_registration_for_focal_point(user, organisation_pk: int, pk: int) -> Registration:
    """An application of the user's own organisation, its dialogue with its ordinal, else 404."""
    organisation = get_organisation_for_focal_point(user, organisation_pk)
    registration = get_object_or_404(
        Registration.objects.select_related("dialogue__session__working_group", "organisation").annotate(
            dialogue_ordinal=ordinal_of_dialogue()
        ),
        organisation=organisation,
        pk=pk,
    )
    registration.dialogue.ordinal = registration.dialogue_ordinal
    return registration


def get_intervention_for_focal_point(user, organisation_pk: int, pk: int) -> Intervention:
    organisation = get_organisation_for_focal_point(user, organisation_pk)
    return get_object_or_404(
        Intervention.objects.select_related("registration", "agenda_item"),
        registration__organisation=organisation,
        pk=pk,
    )
