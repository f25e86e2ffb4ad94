"""Every route of the service, once: the app registers them and the OpenAPI document describes
them from here. The sandbox's own routes are in ``miniapp_mock/routes.py``."""

from __future__ import annotations

from aiohttp import web

from backend.accounts import handlers as auth
from backend.accounts import schemas as auth_s
from backend.accounts import unified as uni
from backend.agencies import handlers as ag
from backend.agencies import materials
from backend.agencies import schemas as ag_s
from backend.contracts import handlers as contracts
from backend.contracts import property_schemas as property_s
from backend.contracts import sale_out
from backend.contracts import schemas as contracts_s
from backend.contracts import todo_schemas as todo_s
from backend.events import handlers as events
from backend.events import schemas as events_s
from backend.evidence import handlers as evidence
from backend.evidence import schemas as evidence_s
from backend.fund_supervision import handlers as funds
from backend.fund_supervision import schemas as funds_s
from backend.miniapp import handlers as miniapp
from backend.miniapp import schemas as miniapp_s
from backend.ops import handlers as ops
from backend.ops import schemas as ops_s
from backend.route import Route, Upload, mount
from backend.signing import handlers as signing
from backend.signing import schemas as signing_s
from backend.status_poll import POLL_QUERY
from backend.webhooks import handlers as hooks
from backend.webhooks import schemas as hooks_s
from backend.window import case_view
from backend.window import handlers as window
from backend.window import schemas as window_s
from backend.window.print_views import FORMS
from signing_flow.uploads import IMAGE_LIMIT, SCAN_LIMIT
from signing_flow.vocabulary import WindowDocument

# The raw uploads: the use case sniffs the bytes, these are the kinds it takes.
SCAN = Upload(("application/pdf", "image/png", "image/jpeg"), SCAN_LIMIT)
IMAGE = Upload(("image/png", "image/jpeg"), IMAGE_LIMIT)

# fmt: off
ROUTES = [
    # operations
    Route("GET", "/healthz", ops.healthz, "存活检查 (liveness)", response=ops_s.Health, auth=False, tag="ops"),
    Route("GET", "/readyz", ops.readyz, "就绪检查：存储可达 (store reachable)", response=ops_s.Health, auth=False, tag="ops"),
    Route("GET", "/openapi.json", ops.openapi, "OpenAPI 3.1 document", auth=False, tag="ops", produces=("application/json",)),
    Route("GET", "/api/v1/signing-keys", signing.signing_keys, "平台验签公钥 (receipt verification keys)", response=signing_s.SigningKeys, auth=False, tag="ops"),
    Route("GET", "/api/v1/evidence-certificates", evidence.evidence_certificates, "证据包的信任锚：沙箱根证书、时间戳与签章证书及其 SHA-256 指纹（docs/evidence.md）", response=evidence_s.EvidenceCertificates, auth=False, tag="ops"),
    # accounts
    Route("POST", "/api/v1/auth/login", auth.login, "登录", auth_s.LoginRequest, auth_s.LoginResponse, auth=False),
    Route("POST", "/api/v1/auth/password", auth.change_password, "修改密码（首次登录必须修改初始密码）", auth_s.PasswordChangeRequest, auth_s.AccountOut),
    Route("POST", "/api/v1/auth/logout", auth.logout, "退出登录", status=204),
    Route("GET", "/api/v1/auth/me", auth.me, "当前账号", response=auth_s.AccountOut),
    # listings and contracts
    Route("POST", "/api/v1/properties/verify", contracts.verify, "房源验证", property_s.PropertyLookupBody, property_s.VerifyPropertyResponse),
    Route("POST", "/api/v1/contracts", contracts.create, "签订合同（创建草稿）", contracts_s.ContractCreateRequest, contracts_s.ContractOut, status=201),
    Route("GET", "/api/v1/contracts", contracts.list_all, "合同列表", response=contracts_s.ContractList, query=contracts.LIST_QUERY),
    Route("GET", "/api/v1/contracts/{id}", contracts.read, "合同详情", response=contracts_s.ContractOut),
    Route("PATCH", "/api/v1/contracts/{id}", contracts.update, "修改合同（已提交的合同退回草稿）", contracts_s.ContractFields, contracts_s.ContractOut),
    Route("DELETE", "/api/v1/contracts/{id}", contracts.delete, "删除合同", response=contracts_s.ContractOut),
    Route("POST", "/api/v1/contracts/{id}/submit", contracts.submit, "提交合同", response=contracts_s.ContractOut),
    Route("GET", "/api/v1/contracts/{id}/evidence.zip", evidence.contract_bundle, "证据包：签署的 PDF、合同文本、签名回执、审计记录、证书与公钥（docs/evidence.md）", produces=("application/zip",)),
    Route("GET", "/api/v1/todo", contracts.todo, "待办业务", response=todo_s.TodoList),
    Route("POST", "/api/v1/annex-files", contracts.upload_annex_file, "上传合同附件图片：请求体为图片本身（PNG/JPEG，不超过 500K）；在 annexes[].file_id 中引用", response=sale_out.AnnexFileOut, status=201, upload=IMAGE),
    # 资金监管 (docs/fund-supervision.md)
    Route("POST", "/api/v1/contracts/{id}/fund-supervision/applications", funds.open_application, "跳转建设银行龙存管：发起资金监管申请（已有待签或已签的申请时返回该申请）", response=funds_s.ApplicationOut, status=201),
    Route("PUT", "/api/v1/contracts/{id}/fund-supervision/branch-agreement", funds.record_branch_agreement, "录入农商行资金监管协议（协议编号与办理支行）", funds_s.BranchAgreementRequest, contracts_s.ContractOut),
    Route("POST", "/api/v1/contracts/{id}/fund-supervision/cancellation", funds.cancel, "取消资金监管协议（建设银行在线取消；农商行在支行取消后录入）", funds_s.SupervisionCancelRequest, contracts_s.ContractOut),
    Route("POST", "/api/v1/callbacks/banks/ccb", funds.ccb_callback, "建设银行龙存管回调（银行签名与时间戳验证，按通知编号幂等）", response=funds_s.CallbackAck, auth=False, tag="callbacks"),
    # the agent's side of the signing handshake
    Route("POST", "/api/v1/contracts/{id}/signing-orders", signing.create, "生成电子合同订单", response=signing_s.OrderOut, status=201),
    Route("GET", "/api/v1/signing-orders/{oid}", signing.status, "签名状态 (ETag/If-None-Match → 304; ?wait=S&version=N long-poll)", response=signing_s.OrderOut, query=POLL_QUERY, not_modified=True),
    Route("GET", "/api/v1/signing-orders/{oid}/parties/{pid}/qrcode", signing.qrcode, "查看二维码：{url, expires_at}", response=signing_s.QrLinkOut),
    Route("GET", "/api/v1/signing-orders/{oid}/parties/{pid}/qrcode.{fmt:png|svg}", signing.qrcode, "查看二维码：PNG 或 SVG 图片", produces=("image/png", "image/svg+xml")),
    Route("POST", "/api/v1/signing-orders/{oid}/cancel", signing.cancel, "注销电子合同订单", response=signing_s.OrderOut),
    Route("POST", "/api/v1/signing-orders/{oid}/submit", signing.submit, "提交（订单已经完成签字后）", response=signing_s.OrderOut),
    # the mini-program (粤信签), one party per session
    Route("POST", "/mp/v1/sessions", miniapp.open_session, "扫码：二维码令牌换取当事人会话", miniapp_s.SessionRequest, miniapp_s.SessionOut, status=201, auth=False, tag="mini-program"),
    Route("GET", "/mp/v1/order", miniapp.order, "当事人的订单与进度", response=miniapp_s.PartyViewOut, tag="mini-program"),
    Route("GET", "/mp/v1/document", miniapp.document, "待签署的文件及其 SHA-256", response=miniapp_s.DocumentOut, tag="mini-program"),
    Route("POST", "/mp/v1/review", miniapp.review, "查阅文件（提交所读文件的 SHA-256）", miniapp_s.ReviewRequest, miniapp_s.PartyViewOut, tag="mini-program"),
    Route("POST", "/mp/v1/confirm", miniapp.confirm, "确定签署", response=miniapp_s.PartyViewOut, tag="mini-program"),
    Route("POST", "/mp/v1/police-verification", miniapp.police_verification, "微警认证", miniapp_s.PoliceVerificationRequest, miniapp_s.PartyViewOut, tag="mini-program"),
    Route("POST", "/mp/v1/authorize", miniapp.authorize, "确认授权（人脸识别）", miniapp_s.AuthorizeRequest, miniapp_s.PartyViewOut, tag="mini-program"),
    Route("GET", "/mp/v1/evidence.zip", evidence.party_bundle, "下载证据包（订单提交备案后）", tag="mini-program", produces=("application/zip",)),
    Route("POST", "/mp/v1/decline", miniapp.decline, "拒绝签署", miniapp_s.DeclineRequest, miniapp_s.PartyViewOut, tag="mini-program"),
    # cancellation, online (guide §4) and at the window (guide §3, §5)
    Route("POST", "/api/v1/contracts/{id}/cancellations", window.request_cancellation, "存量房合同注销线上：填写注销原因", window_s.CancellationRequest, contracts_s.ContractOut, status=201),
    Route("POST", "/api/v1/window/contracts/{id}/case", window.open_case, "窗口受理（备案或注销）", window_s.WindowCaseRequest, contracts_s.ContractOut, status=201, tag="window"),
    Route("GET", "/api/v1/window/cases", case_view.list_cases, "进行中的窗口业务（交易中心）", response=case_view.WindowCaseList, tag="window", query=(case_view.STAGE,)),
    Route("GET", "/api/v1/window/contracts/{id}/case", case_view.case_view, "窗口业务详情：当事人到场、材料及提交前尚缺的项目", response=case_view.WindowCaseOut, tag="window"),
    Route("GET", "/api/v1/window/contracts/{id}/forms", window.forms, "可打印的表格", response=window_s.FormList, tag="window"),
    Route("GET", "/api/v1/window/contracts/{id}/forms/{form}.html", window.form, "打印表格（HTML）", tag="window", produces=("text/html",), path_choices=(("form", tuple(FORMS)),)),
    Route("PUT", "/api/v1/window/contracts/{id}/parties/{pid}/appearance", window.appearance, "记录当事人到场或委托情况", window_s.AppearanceRequest, contracts_s.ContractOut, tag="window"),
    Route("PUT", "/api/v1/window/contracts/{id}/parties/{pid}/documents/{kind}", window.party_document, "上传当事人材料（photo | power_of_attorney | minor_guarantee | kinship_proof；PDF/PNG/JPEG）", response=contracts_s.ContractOut, tag="window", upload=SCAN, path_choices=(("kind", tuple(k.value for k in WindowDocument)),)),
    Route("POST", "/api/v1/window/contracts/{id}/signed-pages", window.signed_pages, "上传签章页（PDF/PNG/JPEG）", response=contracts_s.ContractOut, tag="window", upload=SCAN),
    Route("POST", "/api/v1/window/contracts/{id}/submit", window.submit, "提交审核", response=contracts_s.ContractOut, tag="window"),
    Route("POST", "/api/v1/window/contracts/{id}/approve", window.approve, "审核通过", response=contracts_s.ContractOut, tag="window"),
    Route("POST", "/api/v1/window/contracts/{id}/reject", window.reject, "审核退回", window_s.RejectRequest, contracts_s.ContractOut, tag="window"),
    # agency accounts (guide §1.1–§1.2), practitioners (§1.3), unified identity binding (§1.4)
    Route("POST", "/api/v1/agencies", ag.open_agency, "开设中介机构网签账号（交易中心，初始密码 123456）", ag_s.AgencyOpenRequest, ag_s.AgencyOpened, status=201, tag="accounts"),
    Route("GET", "/api/v1/agencies", ag.list_agencies, "中介机构列表", response=ag_s.AgencyList, tag="accounts", query=(ag.AGENCY_STATUS,)),
    Route("GET", "/api/v1/agencies/{aid}", ag.read_agency, "中介机构详情及审核结果", response=ag_s.AgencyOut, tag="accounts"),
    Route("PUT", "/api/v1/agencies/{aid}/info", ag.save_info, "中介服务机构信息核查：填写企业信息", ag_s.EnterpriseInfoBody, ag_s.AgencyOut, tag="accounts"),
    Route("POST", "/api/v1/agencies/{aid}/materials", materials.AGENCY_MATERIALS.add, "添加收件材料", ag_s.MaterialCreateRequest, ag_s.MaterialOnAgency, status=201, tag="accounts"),
    Route("PATCH", "/api/v1/agencies/{aid}/materials/{mid}", materials.AGENCY_MATERIALS.rename, "修改材料名称并保存", ag_s.MaterialRenameRequest, ag_s.MaterialOnAgency, tag="accounts"),
    Route("DELETE", "/api/v1/agencies/{aid}/materials/{mid}", materials.AGENCY_MATERIALS.remove, "删除收件材料", response=ag_s.AgencyOut, tag="accounts"),
    Route("PUT", "/api/v1/agencies/{aid}/materials/{mid}/file", materials.AGENCY_MATERIALS.upload, "上传附件：请求体为图片本身（PNG/JPEG，不超过 500K）", response=ag_s.MaterialOnAgency, tag="accounts", upload=IMAGE),
    Route("GET", "/api/v1/agencies/{aid}/materials/{mid}/file", materials.AGENCY_MATERIALS.read, "查看附件图片", tag="accounts", produces=IMAGE.media_types),
    Route("POST", "/api/v1/agencies/{aid}/submit", ag.submit_agency, "提交企业信息核查（提交意见为必填）", ag_s.SubmitRequest, ag_s.AgencyOut, tag="accounts"),
    Route("POST", "/api/v1/agencies/{aid}/approve", ag.approve_agency, "审核通过（交易中心）", ag_s.ReviewDecisionRequest, ag_s.AgencyOut, tag="accounts"),
    Route("POST", "/api/v1/agencies/{aid}/reject", ag.reject_agency, "审核不通过（交易中心，须填原因）", ag_s.ReviewDecisionRequest, ag_s.AgencyOut, tag="accounts"),
    Route("POST", "/api/v1/practitioners", ag.add_practitioner, "中介服务机构人员添加", ag_s.PractitionerRequest, ag_s.PractitionerOut, status=201, tag="accounts"),
    Route("GET", "/api/v1/practitioners", ag.list_practitioners, "人员列表", response=ag_s.PractitionerList, tag="accounts", query=(ag.PRACTITIONER_STATUS, ag.AGENCY_ID)),
    Route("GET", "/api/v1/practitioners/reviewed", ag.reviewed_practitioners, "已审核从业人员查询：网签登录账号", response=ag_s.ReviewedPractitionerList, tag="accounts", query=(ag.AGENCY_ID,)),
    Route("GET", "/api/v1/practitioners/{pid}", ag.read_practitioner, "从业人员详情及审核结果", response=ag_s.PractitionerOut, tag="accounts"),
    Route("PATCH", "/api/v1/practitioners/{pid}", ag.update_practitioner, "修改人员信息（待提交或审核不通过时）", ag_s.PractitionerRequest, ag_s.PractitionerOut, tag="accounts"),
    Route("DELETE", "/api/v1/practitioners/{pid}", ag.remove_practitioner, "注销从业人员（停用登录账号，可转入其他机构）", response=ag_s.PractitionerOut, tag="accounts"),
    Route("POST", "/api/v1/practitioners/{pid}/materials", materials.PRACTITIONER_MATERIALS.add, "添加收件材料（身份证图片）", ag_s.MaterialCreateRequest, ag_s.MaterialOnPractitioner, status=201, tag="accounts"),
    Route("PATCH", "/api/v1/practitioners/{pid}/materials/{mid}", materials.PRACTITIONER_MATERIALS.rename, "修改材料名称并保存", ag_s.MaterialRenameRequest, ag_s.MaterialOnPractitioner, tag="accounts"),
    Route("DELETE", "/api/v1/practitioners/{pid}/materials/{mid}", materials.PRACTITIONER_MATERIALS.remove, "删除收件材料", response=ag_s.PractitionerOut, tag="accounts"),
    Route("PUT", "/api/v1/practitioners/{pid}/materials/{mid}/file", materials.PRACTITIONER_MATERIALS.upload, "上传附件：请求体为图片本身（PNG/JPEG，不超过 500K）", response=ag_s.MaterialOnPractitioner, tag="accounts", upload=IMAGE),
    Route("GET", "/api/v1/practitioners/{pid}/materials/{mid}/file", materials.PRACTITIONER_MATERIALS.read, "查看附件图片", tag="accounts", produces=IMAGE.media_types),
    Route("POST", "/api/v1/practitioners/{pid}/submit", ag.submit_practitioner, "提交审核", ag_s.SubmitRequest, ag_s.PractitionerOut, tag="accounts"),
    Route("POST", "/api/v1/practitioners/{pid}/approve", ag.approve_practitioner, "审核通过：开通登录账号，短信发送初始密码（交易中心）", ag_s.ReviewDecisionRequest, ag_s.PractitionerPasswordSent, tag="accounts"),
    Route("POST", "/api/v1/practitioners/{pid}/reject", ag.reject_practitioner, "审核不通过（交易中心，须填原因）", ag_s.ReviewDecisionRequest, ag_s.PractitionerOut, tag="accounts"),
    Route("POST", "/api/v1/practitioners/{pid}/disable", ag.disable_practitioner, "停用登录账号（立即退出所有会话）", response=ag_s.PractitionerOut, tag="accounts"),
    Route("POST", "/api/v1/practitioners/{pid}/enable", ag.enable_practitioner, "启用登录账号", response=ag_s.PractitionerOut, tag="accounts"),
    Route("POST", "/api/v1/practitioners/{pid}/password-reset", ag.reset_practitioner_password, "重置密码：短信发送新的初始密码", response=ag_s.PractitionerPasswordSent, tag="accounts"),
    Route("POST", "/api/v1/auth/unified-bindings", uni.bind, "关联本地用户：统一认证账号与网签账号一对一关联并登录", auth_s.UnifiedBindingRequest, auth_s.LoginResponse, status=201, auth=False),
    Route("POST", "/api/v1/auth/unified-login", uni.login, "统一认证登录", auth_s.UnifiedLoginRequest, auth_s.LoginResponse, auth=False),
    # events for integrators (docs/events.md)
    Route("GET", "/api/v1/events", events.feed, "事件流：游标之后的事件，最早的在前（?wait=S 长轮询）", response=events_s.EventPage, query=events.FEED_QUERY, tag="events"),
    Route("POST", "/api/v1/webhook-endpoints", hooks.create, "登记回调地址（签名密钥只显示这一次）", hooks_s.EndpointCreate, hooks_s.EndpointCreated, status=201, tag="events"),
    Route("GET", "/api/v1/webhook-endpoints", hooks.list_all, "回调地址列表", response=hooks_s.EndpointList, tag="events"),
    Route("GET", "/api/v1/webhook-endpoints/{eid}", hooks.read, "回调地址详情", response=hooks_s.EndpointOut, tag="events"),
    Route("PATCH", "/api/v1/webhook-endpoints/{eid}", hooks.update, "修改、停用或重新启用回调地址", hooks_s.EndpointUpdate, hooks_s.EndpointOut, tag="events"),
    Route("POST", "/api/v1/webhook-endpoints/{eid}/secret", hooks.roll_secret, "更换签名密钥（旧密钥 24 小时内仍有效）", response=hooks_s.SecretRolled, tag="events"),
    Route("GET", "/api/v1/webhook-endpoints/{eid}/deliveries", hooks.delivery_log, "发送记录：每次尝试的状态码与耗时", response=hooks_s.DeliveryList, query=hooks.LOG_QUERY, tag="events"),
    Route("POST", "/api/v1/webhook-endpoints/{eid}/redeliveries", hooks.redeliver, "重新发送一个事件", hooks_s.RedeliveryRequest, hooks_s.DeliveryOut, status=202, tag="events"),
]
# fmt: on


def add_routes(app: web.Application) -> None:
    """The service's routes; the sandbox's are mounted apart (``miniapp_mock.routes``)."""
    mount(app, ROUTES)
