namespace PayGateway;

/// <summary>How the payer pays. Names are the wire values of the merchant API.</summary>
public enum PayMethod
{
    /// <summary>Desktop web cashier (redirect or auto-submitting form).</summary>
    WEB,
    /// <summary>Mobile web cashier.</summary>
    WAP,
    /// <summary>Native app SDK parameters.</summary>
    APP,
    /// <summary>In-app / JSAPI style parameters for an SDK already running at the payer.</summary>
    SDK,
    /// <summary>Merchant scans the payer's barcode (needs auth_code); can succeed synchronously.</summary>
    SERVER,
    /// <summary>Payer scans a QR code the merchant shows.</summary>
    QR_CODE,
    /// <summary>
    /// A deduction under a signed recurring-payment contract: no payer present. Only the gateway creates such orders
    /// (a contract's renewal); a merchant's order request and an account's enabled methods cannot name it.
    /// </summary>
    AGREEMENT,
}

public static class PayMethods
{
    /// <summary>The methods a merchant can ask for and an operator can enable: every one but <see cref="PayMethod.AGREEMENT"/>.</summary>
    public static IReadOnlyList<PayMethod> Selectable { get; } = Enum.GetValues<PayMethod>().Where(m => m != PayMethod.AGREEMENT).ToArray();

    /// <summary>
    /// Exactly the wire name of a selectable method (no trimming, no case folding, no numbers): "QR_CODE " is not a
    /// method, and neither is "AGREEMENT" (deductions are made by contracts, never requested).
    /// </summary>
    public static bool TryParseWire(string? text, out PayMethod method)
    {
        method = default;
        return text is not null && Selectable.Any(m => m.ToString() == text) && Enum.TryParse(text, out method);
    }
}
