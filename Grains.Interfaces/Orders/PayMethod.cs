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
