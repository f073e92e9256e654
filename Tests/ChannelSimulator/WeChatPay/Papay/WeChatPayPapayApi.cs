using System.Globalization;
using System.Net;
using PayGateway.ChannelSimulator.Behaviour;
using PayGateway.ChannelSimulator.Records;
using PayGateway.ChannelSimulator.State;

namespace PayGateway.ChannelSimulator.WeChatPay;

/// <summary>
/// WeChat Pay 委托代扣 (papay, API v2) as the gateway's adapter calls it: the Official-Account sign page
/// (<c>GET /papay/entrustweb</c>), the H5 sign link (<c>GET /papay/h5entrustweb</c>), the App pre-sign
/// (<c>POST /papay/preentrustweb</c>), <c>querycontract</c>, <c>deletecontract</c>, <c>/pay/pappayapply</c> and
/// <c>/pay/paporderquery</c>. The payer signs on the sign page (or through the control API); deductions are accepted,
/// then settle after <see cref="WeChatPaySimulatorOptions.PapayProcessingTime"/> and are notified in v2 XML.
/// </summary>
internal sealed class WeChatPayPapayApi(
    WeChatPayV2Calls calls,
    WeChatPayPapayStore papay,
    WeChatPayPapayNotifier notifier,
    TradeStore trades,
    WeChatPayDeferred deferred,
    BehaviourRegistry behaviours,
    RecordLog records,
    SimulatorOptions options,
    TimeProvider time)
{
    /// <summary>Where the payer signs (the H5 link's redirect_url points here too).</summary>
    public const string SignPagePath = "/wechatpay/papay/sign";

    /// <summary>contract_termination_mode the simulator reports: the payer ended it / the merchant's deletecontract.</summary>
    public const int PayerTermination = 2, MerchantTermination = 3;

    private static readonly string[] SignFields = ["appid", "mch_id", "plan_id", "contract_code", "request_serial", "contract_display_account", "notify_url", "version", "timestamp"];

    public static void Map(IEndpointRouteBuilder app)
    {
        app.MapGet("/papay/entrustweb", (HttpContext c, WeChatPayPapayApi api) => api.EntrustWebAsync(c));
        app.MapGet("/papay/h5entrustweb", (HttpContext c, WeChatPayPapayApi api) => api.PreSignAsync(c, h5: true));
        app.MapPost("/papay/preentrustweb", (HttpContext c, WeChatPayPapayApi api) => api.PreSignAsync(c, h5: false));
        app.MapGet(SignPagePath, (string mch_id, string plan_id, string contract_code, WeChatPayPapayApi api) => api.SignPage(mch_id, plan_id, contract_code, signed: false));
        app.MapPost(SignPagePath, (string mch_id, string plan_id, string contract_code, WeChatPayPapayApi api) =>
        {
            api.PayerSigns(mch_id, plan_id, contract_code);
            return api.SignPage(mch_id, plan_id, contract_code, signed: true);
        });
        app.MapPost("/papay/querycontract", (HttpContext c, WeChatPayPapayApi api) => api.QueryContractAsync(c));
        app.MapPost("/papay/deletecontract", (HttpContext c, WeChatPayPapayApi api) => api.DeleteContractAsync(c));
        app.MapPost("/pay/pappayapply", (HttpContext c, WeChatPayPapayApi api) => api.DeductAsync(c));
        app.MapPost("/pay/paporderquery", (HttpContext c, WeChatPayPapayApi api) => api.QueryDeductionAsync(c));
    }

    /// <summary>The payer signs a pending contract: it gets its contract_id and the ADD notify goes out. Null if none was pending.</summary>
    public WeChatPayContractView? PayerSigns(string mchId, string planId, string contractCode)
    {
        if (papay.Sign(mchId, planId, contractCode) is not { } signed)
        {
            return null;
        }
        records.Add(WeChatPayRecordKind.ContractSigned, mchId, contractCode, signed.ContractId, null, null, 0, signed.State);
        notifier.ContractChanged(signed, "ADD");
        return signed;
    }

    /// <summary>The payer ends a signed contract in WeChat (DELETE notify, termination mode 2). Null if it was not signed.</summary>
    public WeChatPayContractView? PayerTerminates(string mchId, string planId, string contractCode) =>
        papay.Find(mchId, planId, contractCode) is { } contract ? End(contract, PayerTermination, "payer terminated") : null;

    private async Task EntrustWebAsync(HttpContext context)
    {
        if (await calls.BeginAsync(context, WeChatPayRecordKind.ContractSign, fromQuery: true) is not { } call)
        {
            return;
        }
        if (Begin(call) is not { } contract)
        {
            await WriteHtmlAsync(context, 400, "<p id=\"notice\">Missing or invalid sign fields.</p>");
            return;
        }
        records.Add(WeChatPayRecordKind.ContractSign, call.MerchantId, contract.ContractCode, contract.ContractId, null, null, 200, contract.State);
        var page = SignPage(contract.MchId, contract.PlanId, contract.ContractCode, signed: false);
        await page.ExecuteAsync(context);
    }

    private async Task PreSignAsync(HttpContext context, bool h5)
    {
        if (await calls.BeginAsync(context, WeChatPayRecordKind.ContractSign, fromQuery: h5) is not { } call)
        {
            return;
        }
        call.Behaviour = behaviours.Resolve(call.Get("contract_code"), WeChatPayOperation.ContractSign);
        if (!await call.ApplyDelayAndFailAsync(call.Get("contract_code"), null, null))
        {
            return;
        }
        if ((h5 && call.Get("clientip") is null) || Begin(call) is not { } contract)
        {
            await call.ReplyAsync(200, WeChatPayV2Call.Refusal("PARAM_ERROR", "Missing or invalid sign fields."), "PARAM_ERROR", call.Get("contract_code"));
            return;
        }
        if (contract.State != WeChatPayContractState.Pending)
        {
            await call.ReplyAsync(200, WeChatPayV2Call.Refusal("CONTRACT_ALREADY_EXIST", "签约协议号已存在"), "CONTRACT_ALREADY_EXIST", contract.ContractCode);
            return;
        }
        var answer = h5
            ? WeChatPayV2Call.Success(("redirect_url", SignPageUrl(context.Request, contract)))
            : WeChatPayV2Call.Success(("pre_entrustweb_id", "sim" + WeChatPayNotifier.StableId($"{contract.MchId}/{contract.PlanId}/{contract.ContractCode}").Replace("-", "", StringComparison.Ordinal)));
        await call.ReplyAsync(200, answer, contract.State, contract.ContractCode);
    }

    private async Task QueryContractAsync(HttpContext context)
    {
        if (await calls.BeginAsync(context, WeChatPayRecordKind.ContractQuery) is not { } call)
        {
            return;
        }
        var contract = FindContract(call);
        var code = contract?.ContractCode ?? call.Get("contract_code");
        call.Behaviour = behaviours.Resolve(code, WeChatPayOperation.ContractQuery);
        if (!await call.ApplyDelayAndFailAsync(code, null, null))
        {
            return;
        }
        // A sign link nobody completed is no contract yet.
        if (contract is not { State: WeChatPayContractState.Signed or WeChatPayContractState.Terminated })
        {
            await call.ReplyAsync(200, WeChatPayV2Call.Refusal("CONTRACT_NOT_EXIST", "签约协议不存在"), "CONTRACT_NOT_EXIST", code);
            return;
        }
        await call.ReplyAsync(200, ContractFields(contract), contract.State, contract.ContractCode, tradeNo: contract.ContractId);
    }

    private async Task DeleteContractAsync(HttpContext context)
    {
        if (await calls.BeginAsync(context, WeChatPayRecordKind.ContractTerminate) is not { } call)
        {
            return;
        }
        var contract = FindContract(call);
        var code = contract?.ContractCode ?? call.Get("contract_code");
        call.Behaviour = behaviours.Resolve(code, WeChatPayOperation.ContractTerminate);
        if (!await call.ApplyDelayAndFailAsync(code, null, null))
        {
            return;
        }
        if (call.Get("contract_termination_remark") is null || call.Get("version") is null)
        {
            await call.ReplyAsync(200, WeChatPayV2Call.Refusal("PARAM_ERROR", "contract_termination_remark and version are required."), "PARAM_ERROR", code);
            return;
        }
        if (contract is not { State: WeChatPayContractState.Signed or WeChatPayContractState.Terminated })
        {
            await call.ReplyAsync(200, WeChatPayV2Call.Refusal("CONTRACT_NOT_EXIST", "签约协议不存在"), "CONTRACT_NOT_EXIST", code);
            return;
        }
        if (End(contract, MerchantTermination, call.Get("contract_termination_remark")) is not { } ended)
        {
            await call.ReplyAsync(200, WeChatPayV2Call.Refusal("CONTRACT_TERMINATED", "协议已解约"), "CONTRACT_TERMINATED", code, tradeNo: contract.ContractId);
            return;
        }
        await call.ReplyAsync(200, WeChatPayV2Call.Success(("contract_id", ended.ContractId), ("plan_id", ended.PlanId), ("contract_code", ended.ContractCode)),
            ended.State, ended.ContractCode, tradeNo: ended.ContractId);
    }

    private async Task DeductAsync(HttpContext context)
    {
        if (await calls.BeginAsync(context, RecordKind.Create) is not { } call)
        {
            return;
        }
        var outTradeNo = call.Get("out_trade_no");
        long.TryParse(call.Get("total_fee"), NumberStyles.None, CultureInfo.InvariantCulture, out var total);
        call.Behaviour = behaviours.Resolve(outTradeNo, SimulatorOperation.Create);
        if (!await call.ApplyDelayAndFailAsync(outTradeNo, total, "CNY"))
        {
            return;
        }
        Uri.TryCreate(call.Get("notify_url"), UriKind.Absolute, out var notifyUrl);
        if (outTradeNo is null || total <= 0 || notifyUrl is null || call.Get("trade_type") != "PAP" || call.Get("contract_id") is null
            || call.Get("body") is null || call.Get("spbill_create_ip") is null || call.Get("nonce_str") is null || call.Get("appid") is null
            || (call.Get("fee_type") ?? "CNY") != "CNY")
        {
            await call.ReplyAsync(200, WeChatPayV2Call.Refusal("PARAM_ERROR", "Missing or invalid pappayapply fields."), "PARAM_ERROR", outTradeNo, total, "CNY");
            return;
        }

        // A repeated request for the same out_trade_no is answered from the existing deduction: never a second charge.
        if (trades.Find(call.MerchantId, outTradeNo) is { } existing)
        {
            await RepeatAsync(call, existing, total, call.Get("body")!);
            return;
        }
        var contract = papay.FindById(call.MerchantId, call.Get("contract_id")!);
        if (contract is null)
        {
            await call.ReplyAsync(200, WeChatPayV2Call.Refusal("CONTRACT_NOT_EXIST", "签约协议不存在"), "CONTRACT_NOT_EXIST", outTradeNo, total, "CNY");
            return;
        }
        if (contract.State != WeChatPayContractState.Signed)
        {
            await call.ReplyAsync(200, WeChatPayV2Call.Refusal("CONTRACTERROR", "协议已解约"), "CONTRACTERROR", outTradeNo, total, "CNY");
            return;
        }

        var (outcome, trade) = trades.CreateOrGet(
            new NewTrade(SimulatorProtocol.WeChatPay, call.MerchantId, outTradeNo, total, "CNY", call.Get("body")!, "PAP", notifyUrl, null,
                time.GetUtcNow() + options.WeChatPay.DefaultOrderLifetime),
            TradeStatus.Pending);
        if (outcome != CreateOutcome.Created)
        {
            // Created concurrently by a twin request.
            await RepeatAsync(call, trade, total, call.Get("body")!);
            return;
        }
        papay.AddDeduction(trade.TradeNo, new WeChatPayPapDeduction(call.Get("appid")!, contract.ContractId!, contract.OpenId, false));
        var fail = call.Behaviour.TradeState == "PAY_FAIL";
        if (call.Behaviour.TimeoutAfterCharge)
        {
            trade = Settle(trade.TradeNo, fail) ?? trade;
        }
        else
        {
            deferred.After(options.WeChatPay.PapayProcessingTime, () => Settle(trade.TradeNo, fail));
        }
        await call.ReplyAsync(200, WeChatPayV2Call.Success(), "ACCEPT", trade);
    }

    private async Task QueryDeductionAsync(HttpContext context)
    {
        if (await calls.BeginAsync(context, RecordKind.Query) is not { } call)
        {
            return;
        }
        var outTradeNo = call.Get("out_trade_no");
        call.Behaviour = behaviours.Resolve(outTradeNo, SimulatorOperation.Query);
        if (!await call.ApplyDelayAndFailAsync(outTradeNo, null, null))
        {
            return;
        }
        var trade = outTradeNo is null ? null : trades.Find(call.MerchantId, outTradeNo);
        if (trade is null || papay.Deduction(trade.TradeNo) is not { } pap)
        {
            await call.ReplyAsync(200, WeChatPayV2Call.Refusal("ORDERNOTEXIST", "订单不存在"), "ORDERNOTEXIST", outTradeNo);
            return;
        }
        var state = TradeState(trade, pap);
        if (state == "ACCEPT" && call.Behaviour.TradeState is { Length: > 0 } configured)
        {
            state = configured;
        }
        await call.ReplyAsync(200, WeChatPayV2Call.Success(
            ("out_trade_no", trade.OutTradeNo),
            ("transaction_id", trade.TradeNo),
            ("trade_type", "PAP"),
            ("trade_state", state),
            ("trade_state_desc", state),
            ("total_fee", trade.Amount.ToString(CultureInfo.InvariantCulture)),
            ("fee_type", trade.Currency),
            ("contract_id", pap.ContractId),
            ("openid", pap.OpenId),
            ("time_end", trade.PaidAt is { } paidAt ? paidAt.ToOffset(TimeSpan.FromHours(8)).ToString("yyyyMMddHHmmss", CultureInfo.InvariantCulture) : null)),
            state, trade);
    }

    private Task RepeatAsync(WeChatPayV2Call call, SimulatorTrade existing, long total, string body)
    {
        if (existing.Protocol != SimulatorProtocol.WeChatPay || papay.Deduction(existing.TradeNo) is null || existing.Amount != total || existing.Subject != body)
        {
            return call.ReplyAsync(200, WeChatPayV2Call.Refusal("OUT_TRADE_NO_USED", "商户订单号重复"), "OUT_TRADE_NO_USED", existing.OutTradeNo, total, "CNY");
        }
        return existing.Status switch
        {
            TradeStatus.Succeeded => call.ReplyAsync(200, WeChatPayV2Call.Refusal("ORDERPAID", "订单已支付"), "ORDERPAID", existing),
            TradeStatus.Pending => call.ReplyAsync(200, WeChatPayV2Call.Success(), "ACCEPT", existing),
            _ => call.ReplyAsync(200, WeChatPayV2Call.Refusal("ORDERCLOSED", "订单已关闭"), "ORDERCLOSED", existing),
        };
    }

    // The deduction's money moves (one charge record) or it fails; then the PAP notify goes out.
    private SimulatorTrade? Settle(string tradeNo, bool fail)
    {
        if (trades.FindByTradeNo(tradeNo) is not { Status: TradeStatus.Pending })
        {
            return null;
        }
        SimulatorTrade ended;
        if (fail)
        {
            papay.MarkFailed(tradeNo);
            ended = trades.Close(tradeNo).Trade;
        }
        else
        {
            var (outcome, paid) = trades.Pay(tradeNo);
            if (outcome != PayOutcome.Paid)
            {
                return paid;
            }
            records.Add(RecordKind.Charge, paid.MerchantId, paid.OutTradeNo, paid.TradeNo, paid.Amount, paid.Currency, 0, paid.Status);
            ended = paid;
        }
        notifier.DeductionEnded(ended);
        return ended;
    }

    private static string TradeState(SimulatorTrade trade, WeChatPayPapDeduction pap) => trade.Status switch
    {
        TradeStatus.Succeeded => "SUCCESS",
        TradeStatus.Pending => "ACCEPT",
        _ => pap.Failed ? "PAY_FAIL" : "CLOSED",
    };

    private WeChatPayContractView? End(WeChatPayContractView contract, int mode, string? remark)
    {
        if (papay.Terminate(contract, mode, remark) is not { } ended)
        {
            return null;
        }
        records.Add(WeChatPayRecordKind.ContractTerminated, ended.MchId, ended.ContractCode, ended.ContractId, null, null, 0, ended.State);
        notifier.ContractChanged(ended, "DELETE");
        return ended;
    }

    private WeChatPayContractView? Begin(WeChatPayV2Call call)
    {
        if (SignFields.Any(f => call.Get(f) is null) || call.Get("version") != "1.0"
            || !long.TryParse(call.Get("request_serial"), NumberStyles.None, CultureInfo.InvariantCulture, out _)
            || !Uri.TryCreate(call.Get("notify_url"), UriKind.Absolute, out var notifyUrl))
        {
            return null;
        }
        return papay.Begin(call.MerchantId, call.Get("plan_id")!, call.Get("contract_code")!, call.Get("appid")!, call.Get("contract_display_account")!, notifyUrl, call.Get("request_serial")!);
    }

    private WeChatPayContractView? FindContract(WeChatPayV2Call call) =>
        call.Get("contract_id") is { } contractId
            ? papay.FindById(call.MerchantId, contractId)
            : call.Get("plan_id") is { } planId && call.Get("contract_code") is { } code ? papay.Find(call.MerchantId, planId, code) : null;

    private static Dictionary<string, string> ContractFields(WeChatPayContractView contract)
    {
        static string? Beijing(DateTimeOffset? at) => at?.ToOffset(TimeSpan.FromHours(8)).ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture);
        return WeChatPayV2Call.Success(
            ("contract_id", contract.ContractId),
            ("plan_id", contract.PlanId),
            ("contract_code", contract.ContractCode),
            ("request_serial", contract.RequestSerial),
            ("contract_display_account", contract.DisplayAccount),
            ("contract_state", contract.State == WeChatPayContractState.Signed ? "0" : "1"),
            ("contract_signed_time", Beijing(contract.SignedAt)),
            ("contract_expired_time", Beijing(contract.SignedAt?.AddYears(5))),
            ("contract_terminated_time", Beijing(contract.TerminatedAt)),
            ("contract_termination_mode", contract.TerminationMode?.ToString(CultureInfo.InvariantCulture)),
            ("contract_termination_remark", contract.TerminationRemark),
            ("openid", contract.OpenId));
    }

    private static string SignPageUrl(HttpRequest request, WeChatPayContractView contract) =>
        $"{request.Scheme}://{request.Host}{request.PathBase}{SignPagePath}?mch_id={Uri.EscapeDataString(contract.MchId)}&plan_id={Uri.EscapeDataString(contract.PlanId)}&contract_code={Uri.EscapeDataString(contract.ContractCode)}";

    private IResult SignPage(string mchId, string planId, string contractCode, bool signed)
    {
        static string e(string? value) => WebUtility.HtmlEncode(value) ?? "";
        if (papay.Find(mchId, planId, contractCode) is not { } contract)
        {
            return Results.Content(Html($"<p id=\"notice\">No sign request for contract_code {e(contractCode)}.</p>"), "text/html; charset=utf-8", statusCode: 404);
        }
        var action = $"{SignPagePath}?mch_id={Uri.EscapeDataString(mchId)}&plan_id={Uri.EscapeDataString(planId)}&contract_code={Uri.EscapeDataString(contractCode)}";
        var body = contract.State == WeChatPayContractState.Pending
            ? $"<form method=\"post\" action=\"{e(action)}\"><button id=\"sign\" type=\"submit\">签约 Sign</button></form>"
            : $"<p id=\"notice\">{(signed ? "签约成功 Signed" : "Contract is " + e(contract.State))}: contract_id {e(contract.ContractId)}</p>";
        return Results.Content(Html(
            $"<h1>委托代扣签约 (simulator)</h1><p>Merchant {e(mchId)}, plan {e(planId)}, contract_code {e(contractCode)}, account <b>{e(contract.DisplayAccount)}</b></p>{body}"),
            "text/html; charset=utf-8");
    }

    private static string Html(string body) =>
        $"<!DOCTYPE html><html lang=\"zh\"><head><meta charset=\"utf-8\"><title>WeChat Pay papay (simulator)</title></head><body>{body}</body></html>";

    private static Task WriteHtmlAsync(HttpContext context, int status, string body) =>
        Results.Content(Html(body), "text/html; charset=utf-8", statusCode: status).ExecuteAsync(context);
}
