using System.Text.Json.Nodes;
using PayGateway.ChannelSimulator.Protocol;
using PayGateway.ChannelSimulator.Signing;
using PayGateway.ChannelSimulator.State;

namespace PayGateway.ChannelSimulator.Endpoints;

/// <summary>Builds the API's contract answers, including what the payer needs to sign.</summary>
internal static class ContractViews
{
    /// <summary>Where the payer signs: the sign page of the contract, at the address the merchant called.</summary>
    public static string SignPageUrl(HttpRequest request, SimulatorContract contract) =>
        $"{request.Scheme}://{request.Host}{ContractSignPage.PathBase}/{Uri.EscapeDataString(contract.ContractId)}";

    /// <summary>Query and terminate answers: the contract_id only once the payer signed (as real channels assign it then).</summary>
    public static ContractView Queried(SimulatorContract c) =>
        new(c.ContractCode, c.SignedAt is null ? null : c.ContractId, c.MerchantId, c.Status, c.Currency, c.AmountPerDeduction, c.MaxDeductions,
            c.DeductionsUsed, c.ExpiresAt, c.SignedAt, c.TerminatedAt);

    /// <summary>
    /// Create's answer: while PENDING or SIGNED it carries sign_url (WEB/WAP), qr_code (QR_CODE) or app_params (APP), the
    /// same on every repeat (the page of a signed contract says so).
    /// </summary>
    public static ContractView Created(SimulatorContract c, HttpRequest request, string key)
    {
        var view = Queried(c);
        if (c.Status is not (MockContractStatus.Pending or MockContractStatus.Signed))
        {
            return view;
        }
        var page = SignPageUrl(request, c);
        return c.Method switch
        {
            "QR_CODE" => view with { QrCode = page },
            "APP" => view with { AppParams = AppParams(c, key) },
            _ => view with { SignUrl = page },
        };
    }

    public static DeductionView Deduction(SimulatorTrade t, string contractId) =>
        new(t.OutTradeNo, t.TradeNo, t.Status, t.Amount, t.Currency, t.MerchantId, contractId, t.PaidAt);

    // What a payer's app SDK would receive; deterministic so a repeated create returns the same parameters.
    private static JsonObject AppParams(SimulatorContract c, string key)
    {
        var signTicket = "sign_" + c.ContractId;
        var timestamp = MockSigner.Timestamp(c.CreatedAt);
        return new JsonObject
        {
            ["merchant_id"] = c.MerchantId,
            ["contract_code"] = c.ContractCode,
            ["sign_ticket"] = signTicket,
            ["timestamp"] = timestamp,
            ["sign"] = MockSigner.SignBody(key, timestamp, System.Text.Encoding.UTF8.GetBytes(signTicket)),
        };
    }
}
