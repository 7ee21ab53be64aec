"""The kiosk's service guide (办事指南): departments from the guide daemon's retained state,
items asked for; the pinyin search answers as each letter is typed."""

from __future__ import annotations

from hallkit.contract.topics import Topics
from hallkit.kiosk_ui.kiosk import guide_pages
from hallkit.kiosk_ui.kiosk.texts import t

DEPARTMENT_MAX = 200  # items a department's list shows (paged on screen)
SEARCH_MAX = 10


class GuideScreens:
    """Part of KioskWindow (which provides bridge, hall, screen, pending, guide_state, the
    guide_* choices, search_tag, lang, theme, _put, _send, show_message, choose_service,
    go_home, go_home_keep_mode). A tap while a request is out changes nothing."""

    def show_guide(self) -> None:
        self.screen = "guide"
        departments = [d.model_dump() for d in self.guide_state.departments] if self.guide_state else []
        self._put(guide_pages.guide_home_page(
            self.theme, self.lang, departments, self.guide_page if self.guide_department is None else 0,
            on_department=self._guide_department, on_search=self.show_guide_search,
            on_page=self._guide_turn, on_back=self.go_home_keep_mode, on_home=self.go_home))

    def _guide_turn(self, page: int) -> None:
        if self.pending is not None or self.screen not in ("guide", "guide-list"):
            return
        self.guide_page = page
        {"guide": self.show_guide, "guide-list": self.show_guide_list}[self.screen]()

    def _guide_department(self, code: str) -> None:
        if self.pending is not None:
            return
        self.guide_department, self.guide_page = code, 0
        self._send("guide-search", {"department": code, "limit": DEPARTMENT_MAX}, daemon="guide")

    def guide_list_answer(self, reply) -> None:
        if isinstance(reply, str) or reply.status != "ok":
            self.show_message(t("lookup_down", self.lang), back_to="guide", title="lookup_failed")
            return
        self.guide_hits = reply.data["hits"]
        self.show_guide_list()

    def show_guide_list(self) -> None:
        self.screen = "guide-list"
        deps = {d.code: d for d in self.guide_state.departments} if self.guide_state else {}
        dep = deps.get(self.guide_department)
        title = (dep.name_zh if self.lang == "zh" else dep.name_en) if dep else t("guide", self.lang)
        self._put(guide_pages.guide_list_page(
            self.theme, self.lang, title, self.guide_hits, self.guide_page, on_item=self._guide_item,
            on_page=self._guide_turn, on_back=self._guide_home, on_home=self.go_home))

    def _guide_home(self) -> None:
        self.guide_department, self.guide_page = None, 0
        self.show_guide()

    def show_guide_search(self) -> None:
        self.screen = "guide-search"
        self._put(guide_pages.guide_search_page(self.theme, self.lang, self.guide_typed,
                                                on_typed=self._guide_typed, on_back=self._guide_home,
                                                on_home=self.go_home))
        self._guide_typed(self.guide_typed)

    def _guide_typed(self, text: str) -> None:
        """Each letter asks at once; only the answer to the latest letters is shown."""
        self.guide_typed = text
        page = self.stack.currentWidget()
        shown = page.findChild(guide_pages.QLabel, "typed")
        if shown is not None:
            shown.setText(text.lower() or "—")
        if not text:
            self.search_tag = None
            guide_pages.fill_hits(page, self.theme, self.lang, "", [], 0, self._guide_item)
            return
        self.search_tag = self.bridge.request(Topics(self.hall, "guide").cmd("guide-search"),
                                              {"text": text.lower(), "limit": SEARCH_MAX})

    def guide_hits_answer(self, reply) -> None:
        if self.screen != "guide-search":
            return
        if isinstance(reply, str) or reply.status != "ok":  # not "nothing found": it is not known
            guide_pages.fill_hits(self.stack.currentWidget(), self.theme, self.lang, self.guide_typed,
                                  [], 0, self._guide_item, problem=t("lookup_down", self.lang))
            return
        guide_pages.fill_hits(self.stack.currentWidget(), self.theme, self.lang, self.guide_typed,
                              reply.data["hits"], reply.data["total"], self._guide_item)

    def _guide_item(self, item_id: str) -> None:
        if self.pending is not None:
            return
        self.guide_from = self.screen
        self._send("guide-item", {"id": item_id}, daemon="guide")

    def guide_item_answer(self, reply) -> None:
        if not isinstance(reply, str) and reply.status == "ok":
            self.guide_detail = reply.data
            self.show_guide_item()
            return
        gone = not isinstance(reply, str) and reply.error.code == "not_found"
        self.show_message(t("guide_gone" if gone else "lookup_down", self.lang), back_to=self.guide_from,
                          title="lookup_failed")

    def show_guide_item(self) -> None:
        self.screen = "guide-item"
        service = self.guide_detail["item"].get("service")
        self._put(guide_pages.guide_item_page(
            self.theme, self.lang, self.guide_detail, on_back=self._guide_back, on_home=self.go_home,
            on_ticket=(lambda: self.choose_service(service)) if self._service_info(service) else None))

    def _guide_back(self) -> None:
        {"guide-search": self.show_guide_search, "guide-list": self.show_guide_list}.get(
            self.guide_from, self.show_guide)()
