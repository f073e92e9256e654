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
}

public static class PayMethods
{
    /// <summary>Exactly a wire name (no trimming, no case folding, no numbers): "QR_CODE " is not a method.</summary>
    public static bool TryParseWire(string? text, out PayMethod method)
    {
        method = default;
        return text is not null && Enum.GetNames<PayMethod>().Contains(text, StringComparer.Ordinal) && Enum.TryParse(text, out method);
    }
}
