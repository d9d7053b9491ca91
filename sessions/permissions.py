"""Who may see and do what in the dialogue calendar: decided here, nowhere else."""

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.http import Http404

from .models import Dialogue, DialogueChair
from .selectors import dialogue_for_page


def user_is_chair(user: AbstractBaseUser | AnonymousUser) -> bool:
    """A Chair or Co-Chair of any dialogue, through the account that drafts its summary."""
    return bool(user.is_authenticated and DialogueChair.objects.filter(user=user).exists())


def get_dialogue_for_public(pk: int) -> Dialogue:
    """The dialogue as anyone may see it, or 404. Every dialogue's public page is public."""
    dialogue = dialogue_for_page(pk=pk).first()
    if dialogue is None:
        raise Http404
    return dialogue
