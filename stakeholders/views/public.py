"""The public side of stakeholders: the directory of admitted organisations."""

from django import forms
from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from dialogue_portal.forms import PortalForm

from ..models import Category, Organisation


class DirectoryFilter(PortalForm):
    category = forms.ChoiceField(label=_("Category"), required=False)
    country = forms.ChoiceField(label=_("Country"), required=False)

    def __init__(self, *args, country_codes=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = [("", _("All categories")), *Category.choices]
        self.fields["country"].choices = [("", _("All countries"))] + sorted(
            ((code, countries.name(code)) for code in country_codes), key=lambda choice: choice[1]
        )


def directory(request):
    admitted = Organisation.objects.admitted()
    country_codes = admitted.order_by().values_list("country", flat=True).distinct()
    form = DirectoryFilter(request.GET or None, country_codes=list(country_codes))
    organisations = admitted.order_by("name", "pk")
    if form.is_valid():
        if form.cleaned_data["category"]:
            organisations = organisations.filter(category=form.cleaned_data["category"])
        if form.cleaned_data["country"]:
            organisations = organisations.filter(country=form.cleaned_data["country"])
    page = Paginator(organisations, 50).get_page(request.GET.get("page"))
    return render(request, "stakeholders/public/directory.html", {"form": form, "page": page})
