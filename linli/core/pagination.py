from django.core.paginator import Paginator
from rest_framework import pagination


class ShortListPaginator(Paginator):
    """Counts with a query only when the first page is full. Most lists a client asks for
    fit on one page (an owner's bills, a unit's requests): there the rows already say how
    many there are, and the COUNT would cost as much again (bench/api_load.py)."""

    def page(self, number):
        if number not in (1, "1") or self.orphans:
            return super().page(number)
        rows = list(self.object_list[: self.per_page])
        if len(rows) < self.per_page:
            self.__dict__["count"] = len(rows)
        return self._get_page(rows, 1, self)


class Pagination(pagination.PageNumberPagination):
    django_paginator_class = ShortListPaginator
    page_size_query_param = "page_size"
    max_page_size = 500
