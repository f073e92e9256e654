namespace PayGateway.Callbacks;

/// <summary>The <c>kind</c> of a review item (<see cref="ReviewLog"/>): what made it worth an operator's look.</summary>
public static class ReviewKinds
{
    /// <summary>A channel callback refused: unknown account or subject, bad signature, tampered amount, currency or account.</summary>
    public const string Callback = "callback";

    /// <summary>The channel says money moved that the gateway holds as final the other way (paid after close, refunded after failed).</summary>
    public const string Contradiction = "contradiction";

    /// <summary>A channel query answered with something the gateway does not accept (another amount).</summary>
    public const string Query = "query";

    /// <summary>A refund answer or notice the gateway does not accept.</summary>
    public const string Refund = "refund";

    /// <summary>A recurring contract the gateway cannot follow (signed after it closed; the channel refused to move its deduction plan).</summary>
    public const string Contract = "contract";
}
