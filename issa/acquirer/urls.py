from django.urls import path

from . import views

app_name = "acquirer"
urlpatterns = [
    path("pay/", views.pay, name="pay"),
    path("pay/<uuid:txn_id>/", views.submit, name="submit"),
    path("api/charge", views.charge, name="charge"),
    path("", views.transactions, name="transactions"),
]
