namespace PayGateway.Api.Contracts;

/// <summary>POST /v1/transfers body. Every member is nullable so that a missing field is a validation error.</summary>
public sealed record CreateTransferRequest(
    string? OutTransferNo,
    string? Channel,
    PayeeRequest? Payee,
    long? Amount,
    string? Currency,
    string? Remark,
    string? NotifyUrl);

/// <summary>Who receives a transfer: <c>type</c> is one of the channel's payee types (e.g. alipay_logon_id, wechat_openid).</summary>
public sealed record PayeeRequest(string? Type, string? Account, string? Name);
