"""Everything the kiosk says, Chinese first and English second: one catalogue, so a
sentence and its translation are reviewed side by side (no .ts/.qm round trip)."""

from __future__ import annotations

TEXTS: dict[str, tuple[str, str]] = {
    "welcome": ("欢迎办理业务", "Welcome"),
    "take_ticket": ("请选择办理的业务", "Choose your service"),
    "waiting": ("等候 {n} 人", "{n} waiting"),
    "wait_min": ("约 {m} 分钟", "about {m} min"),
    "no_wait": ("无需等候", "no wait"),
    "closed_service": ("今日已停止取号", "No more tickets today"),
    "appointment": ("预约取号", "Appointment check-in"),
    "elderly": ("长者模式", "Elderly mode"),
    "elderly_off": ("普通模式", "Standard mode"),
    "language": ("English", "中文"),
    "back": ("返回", "Back"),
    "home": ("回到首页", "Start again"),
    "ok": ("确定", "OK"),
    "clear": ("清除", "Clear"),
    "delete": ("删除", "Delete"),
    "id_title": ("请放置身份证", "Place your ID card on the reader"),
    "hold_still": ("放好后请稍候，不要移动", "Then hold it still for a moment"),
    "id_or_type": ("或输入身份证号码", "or type your ID number"),
    "id_type_only": ("请输入身份证号码", "Type your ID number"),
    "id_skip": ("不使用身份证，直接取号", "Continue without ID"),
    "id_bad": ("身份证号码有误，请核对后重新输入", "That ID number is not valid; please check it"),
    "id_read": ("已读取身份证：{name} {id}", "ID card read: {name} {id}"),
    "issuing": ("正在取号，请稍候…", "Taking your ticket…"),
    "slow": ("系统响应较慢，请稍候…", "The system is slow, please wait…"),
    "your_number": ("您的号码", "Your number"),
    "ahead": ("前面还有 {n} 人", "{n} people ahead of you"),
    "ahead_none": ("前面没有人，请留意叫号", "You are next: watch the screen"),
    "est_wait": ("预计等候约 {m} 分钟", "Estimated wait about {m} min"),
    "no_estimate": ("暂无窗口开放，等候时间未知", "No window open yet: the wait is not known"),
    "printed": ("请取走号票", "Please take your ticket"),
    "printing": ("正在打印号票…", "Printing your ticket…"),
    "photo_qr": ("可拍下二维码，随时查看排队进度", "Photograph the QR code to follow your place"),
    "not_printed": ("号票未能打印，您的号码 {number} 已有效，请记下号码或拍下二维码",
                    "The ticket could not be printed. Your number {number} is valid: note it "
                    "or photograph the QR code"),
    "refused_title": ("未能取号", "No ticket was issued"),
    "sold_out": ("{service}今日号已取完，请明天再来，或在网上办理", "Today's tickets for {service} are "
                 "all taken; please come back tomorrow or apply online"),
    "closed": ("{service}现在不办理业务。今日办理时间：{hours}", "{service} is closed now. "
               "Today's hours: {hours}"),
    "closed_all_day": ("{service}今日不办理业务，请在办理日前来", "{service} is not served today; "
                       "please come on a working day"),
    "duplicate": ("您已取{service}号 {number}，请等候叫号", "You already hold ticket {number} for "
                  "{service}; please wait for your call"),
    "id_required": ("{service}需要身份证，请放置身份证或输入号码", "{service} needs your ID card: "
                    "place it on the reader or type the number"),
    "down": ("系统暂时无法取号，未出号票，请稍后再试或咨询工作人员", "Tickets cannot be issued right "
             "now and none was issued; please try again shortly or ask staff"),
    "error": ("未能取号，请咨询工作人员", "No ticket was issued; please ask staff"),
    "offline": ("网络连接中断，暂时无法取号，请咨询工作人员", "The kiosk is offline; please ask staff"),
    "idle_in": ("{s} 秒后返回首页", "Back to the start in {s} s"),
    "touch_to_stay": ("点击屏幕继续", "Touch the screen to continue"),
    "too_early": ("预约签到时间未到，请于 {when} 后再来签到", "Too early to check in: please come "
                  "back after {when}"),
    "too_late": ("已过预约签到时间（{when}），请取普通号", "Check-in closed at {when}; please take a "
                 "normal ticket"),
    "appt_not_found_id": ("今天没有用此身份证的预约，请核对后再试，或咨询工作人员",
                          "No appointment today for this ID card; check it, or ask staff"),
    "appt_not_found": ("没有找到您的预约，请核对预约码，或咨询工作人员", "No appointment was found; "
                       "check the code, or ask staff"),
    "checked_in": ("您已签到，号码 {number}，请等候叫号", "You have checked in already as {number}; "
                   "please wait for your call"),
    "checkin_type": ("输入预约码", "Type the code"),
    "checkin_title": ("请扫描预约二维码、放置身份证，或输入预约码", "Scan your appointment QR code, "
                      "place your ID card, or type your code"),
    "checkin_code": ("预约码", "Appointment code"),
    "maintenance": ("设备维护", "Maintenance"),
    "pin": ("请输入维护密码", "Maintenance PIN"),
    "pin_wrong": ("密码错误，还可尝试 {n} 次", "Wrong PIN: {n} tries left"),
    "pin_locked": ("错误次数过多，维护已锁定 {m} 分钟", "Too many wrong PINs: locked for {m} min"),
    "no_pin": ("本机未设置维护密码，请在大厅配置中设置", "No maintenance PIN is set for this kiosk "
               "in the hall config"),
    "device_state": ("{what}：{state}", "{what}: {state}"),
    "printer": ("打印机", "Printer"),
    "id_reader": ("身份证阅读器", "ID card reader"),
    "scanner": ("扫码器", "Scanner"),
    "dev_online": ("正常", "online"),
    "dev_offline": ("离线", "offline"),
    "dev_unknown": ("未知", "unknown"),
    "dev_none": ("未配置", "not fitted"),
    "test_print": ("打印测试页", "Print a test page"),
    "test_sent": ("测试页已发送到打印机", "Test page sent to the printer"),
    "test_failed": ("测试页未能发送", "The test page could not be sent"),
    "last_read": ("最近读取：{what}", "Last read: {what}"),
    "exit": ("退出到桌面", "Exit to the desktop"),
    # case lookup (办件查询)
    "cases": ("办件查询", "Check a case"),
    "cases_how": ("请扫描受理回执上的条码，或放置身份证", "Scan the barcode on your receipt, or place "
                  "your ID card on the reader"),
    "cases_type_no": ("输入办件编号", "Type the case number"),
    "cases_type_id": ("输入身份证号码", "Type your ID number"),
    "case_no": ("请输入受理回执上的办件编号", "Type the case number on your receipt"),
    "phone_title": ("请输入办件时预留手机号码的后四位", "Type the last 4 digits of the phone number "
                    "you gave when applying"),
    "phone_for": ("身份证 {id}", "ID card {id}"),
    "case_bad_no": ("办件编号有误，请核对受理回执", "That is not a case number; check your receipt"),
    "case_not_found": ("没有找到此编号的办件，请核对后再试（还可查询 {n} 次）", "No case has this number; "
                       "check it and try again ({n} tries left)"),
    "case_not_found_person": ("没有找到此身份证和手机号码的办件，请核对后再试（还可查询 {n} 次）",
                              "No case for this ID card and phone number; check them and try "
                              "again ({n} tries left)"),
    "case_locked": ("查询失败次数过多，本机暂停查询 {m} 分钟，请咨询工作人员", "Too many lookups found "
                    "nothing: this kiosk's lookups are paused for {m} min; please ask staff"),
    "lookup_down": ("暂时无法查询，请稍后再试或咨询工作人员", "The lookup cannot be made right now; "
                    "please try again shortly or ask staff"),
    "lookup_failed": ("未能查询", "Nothing to show"),
    "case_found": ("查到 {n} 件办件", "{n} cases found"),
    "st_accepted": ("已受理", "Accepted"),
    "st_in_progress": ("办理中", "In progress"),
    "st_needs_more": ("需补正材料", "More papers needed"),
    "st_ready": ("已办结，待领取", "Ready to collect"),
    "st_done": ("已办结", "Completed"),
    "st_collected": ("已领取", "Collected"),
    "st_rejected": ("不予受理", "Not accepted"),
    "st_withdrawn": ("已撤回", "Withdrawn"),
    "case_head": ("申请人 {name}　编号 {no}", "Applicant {name} · No. {no}"),
    "case_stage": ("当前环节：{stage}", "Step: {stage}"),
    "case_next": ("下一步：{text}", "Next: {text}"),
    "case_bring": ("请携带：{things}", "Please bring: {things}"),
    "case_due": ("承诺办结日期：{date}", "Promised by {date}"),
    "pickup_locker_ready": ("文件已放入24小时自助取件柜，凭短信取件码随时领取", "Your document waits "
                            "in the 24-hour locker: collect it any time with the code sent by SMS"),
    "pickup_locker_later": ("办结后文件将放入24小时自助取件柜，取件码以短信发送", "When done, the "
                            "document goes into the 24-hour locker; the code comes by SMS"),
    "pickup_window": ("领取地点：{place}", "Collect at: {place}"),
    "pickup_post": ("邮寄送达 {place}", "Sent by post {place}"),
    # service guide (办事指南)
    "guide": ("办事指南", "Service guide"),
    "guide_search": ("按拼音首字母搜索", "Search by pinyin initials"),
    "guide_search_hint": ("例如“不动产登记”输入 bdc", "e.g. bdc for 不动产登记 (real estate)"),
    "guide_items": ("{n} 项", "{n} items"),
    "guide_none": ("没有找到相关事项，请换个写法或按部门查找", "Nothing found: try other letters, or "
                   "browse by department"),
    "guide_found": ("找到 {n} 项", "{n} found"),
    "guide_gone": ("此事项已不在办事指南中", "This item is no longer in the guide"),
    "conditions": ("申请条件", "Who can apply"),
    "materials": ("申请材料", "What to bring"),
    "form_original": ("原件", "original"),
    "form_copy": ("复印件", "copy"),
    "form_original_and_copy": ("原件及复印件", "original and copy"),
    "form_electronic": ("电子材料", "electronic"),
    "copies": ("{n}份", "{n} copies"),
    "if_applicable": ("视情形提供", "if it applies"),
    "fee": ("收费标准", "Fees"),
    "time_limit": ("办理时限", "How long it takes"),
    "legal_days": ("法定 {n} 个工作日", "{n} working days by law"),
    "promised_days": ("承诺 {n} 个工作日", "{n} working days promised"),
    "on_the_spot": ("当场办结", "done on the spot"),
    "windows": ("办理窗口", "Windows"),
    "hours": ("办理时间", "Hours"),
    "online": ("网上办理", "Online"),
    "notes": ("温馨提示", "Good to know"),
    "qr_list": ("扫码带走材料清单", "Scan to take this list with you"),
    "take_ticket_for": ("取号办理", "Take a ticket for it"),
    "closed_day": ("休息", "closed"),
    "wd_mon": ("周一", "Mon"), "wd_tue": ("周二", "Tue"), "wd_wed": ("周三", "Wed"),
    "wd_thu": ("周四", "Thu"), "wd_fri": ("周五", "Fri"), "wd_sat": ("周六", "Sat"),
    "wd_sun": ("周日", "Sun"),
    "days_range": ("{a}至{b}", "{a}–{b}"),
    "every_day": ("每天", "Every day"),
    "page_of": ("第 {n}/{of} 页", "Page {n} of {of}"),
    # document lockers (24小时自助文件柜)
    "locker": ("24小时自助柜", "Document locker"),
    "locker_pickup": ("取件", "Collect a document"),
    "locker_dropoff": ("投递材料", "Leave papers"),
    "locker_staff": ("工作人员", "Staff"),
    "staff_menu": ("工作人员", "Staff"),
    "staff_pin": ("请输入工作人员密码", "Type your staff PIN"),
    "staff_expired": ("登录已过期，请重新输入工号", "Your login has lapsed: type your staff number again"),
    "door_not_opened_other": ("{number} 号柜门未能打开，请联系工作人员", "Door {number} did not open; "
                              "please ask staff"),
    "staff_deposit": ("存入办件", "Deposit a case"),
    "staff_more": ("继续（工作人员）", "Continue (staff)"),
    "staff_due": ("待取出：", "To take out:"),
    "staff_none_due": ("没有待取出的材料", "Nothing waits to be taken out"),
    "due_dropoff": ("{number} 号\n投递材料", "No. {number}\ndrop-off"),
    "due_overdue": ("{number} 号\n逾期未取", "No. {number}\noverdue"),
    "pickup_title": ("请输入短信中的取件码，或扫描取件二维码",
                     "Type the code from your SMS, or scan its QR code"),
    "pickup_id4": ("请输入身份证号码后四位", "Type the last 4 characters of your ID number"),
    "pickup_wrong": ("取件码不正确，还可尝试 {n} 次", "That code is not right: {n} tries left"),
    "pickup_wrong_id4": ("取件码或身份证号后4位不正确，还可尝试 {n} 次", "The code or the ID number's last 4 "
                         "are not right: {n} tries left"),
    "pickup_locked": ("输错次数过多，本机暂停取件 {m} 分钟，请联系工作人员", "Too many wrong codes: "
                      "pickups here are paused for {m} min; please ask staff"),
    "pickup_expired": ("取件码已过期，文件已由工作人员收回，请到服务窗口领取", "This code has expired: staff "
                       "have the document; please ask at a window"),
    "locker_busy": ("该柜格暂时无法打开，请联系工作人员", "That compartment cannot be opened now; please ask "
                    "staff"),
    "locker_failed": ("未能办理", "Not done"),
    "locker_down": ("柜子暂时无法使用，请稍后再试或联系工作人员", "The locker cannot be used right now; "
                    "please try later or ask staff"),
    "locker_full": ("暂无空闲柜格，请联系工作人员", "No compartment is free; please ask staff"),
    "door_opening": ("正在打开 {number} 号柜门…", "Opening door {number}…"),
    "door_open_pickup": ("{number} 号柜门已打开，请取出文件并关好柜门", "Door {number} is open: take your "
                         "document and shut the door"),
    "door_open_put": ("{number} 号柜门已打开，请放入材料并关好柜门",
                      "Door {number} is open: put the papers in and shut the door"),
    "door_not_opened": ("{number} 号柜门未能打开，请联系工作人员。您的取件码仍然有效",
                        "Door {number} did not open; please ask staff. Your code is still valid"),
    "close_door": ("请关好 {number} 号柜门", "Please shut door {number}"),
    "collected": ("取件完成，谢谢！", "Done: thank you!"),
    "retrieved": ("已从 {number} 号柜取出", "Taken out of compartment {number}"),
    "dropped": ("材料已投递。\n请记下回执号：{receipt}", "Your papers are in.\nNote the receipt number: "
                "{receipt}"),
    "dropped_printing": ("材料已投递，请取走打印的回执。\n回执号：{receipt}", "Your papers are in. Take your "
                         "printed receipt.\nReceipt number: {receipt}"),
    "deposited": ("已存入 {number} 号柜，取件码已短信发送给申请人", "In compartment {number}: the code has "
                  "gone to the applicant by SMS"),
    "not_closed": ("柜门未在规定时间内关好，本次未记录，请关好柜门后重试", "The door was not shut in time: "
                   "nothing was recorded; shut it and try again"),
    "dropoff_how": ("将为您打开一个空柜格，放入材料后关好柜门，即可得到回执号", "An empty compartment will "
                    "open: put your papers in, shut the door and you get a receipt number"),
    "open_door": ("打开柜门", "Open a door"),
    "staff_login": ("工作人员登录：请输入工号，再输入密码", "Staff: type your number, then your PIN"),
    "staff_wrong": ("工号或密码错误", "Wrong staff number or PIN"),
    "deposit_id4": ("请输入申请人身份证号码后4位（取件时核对）", "Type the last 4 of the applicant's ID "
                    "number (asked at pickup)"),
    "deposit_what": ("办件 {case}，手机 {phone}", "Case {case}, mobile {phone}"),
    "deposit_case": ("请扫描或输入办件编号", "Scan or type the case number"),
    "deposit_phone": ("请输入申请人手机号码（取件码将发送到此号码）", "Type the applicant's mobile number "
                      "(the code goes there)"),
    "deposit_size": ("请选择柜格大小", "Choose the compartment size"),
    "size_S": ("小格", "Small"), "size_M": ("中格", "Medium"), "size_L": ("大格", "Large"),
    "size_XL": ("特大格", "Extra large"),
    "phone_bad": ("手机号码应为11位", "A mobile number has 11 digits"),
    "free_n": ("空闲 {n} 个", "{n} free"),
}


def t(key: str, lang: str, **fields) -> str:
    zh, en = TEXTS[key]
    return (zh if lang == "zh" else en).format(**fields)


def both(key: str, **fields) -> tuple[str, str]:
    return t(key, "zh", **fields), t(key, "en", **fields)
