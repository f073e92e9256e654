namespace PayGateway.Channels.WeChatPay.Papay;

/// <summary>
/// Asks about and ends papay contracts: <c>POST /papay/querycontract</c> and <c>POST /papay/deletecontract</c>, by
/// <c>contract_id</c> when known, else by <c>plan_id</c> + <c>contract_code</c> (the gateway contract id).
/// </summary>
internal sealed class WeChatPayPapayContracts(WeChatPayV2Client client)
{
    public const string QueryPath = "/papay/querycontract";
    public const string DeletePath = "/papay/deletecontract";

    /// <summary>
    /// The err_code of "no such contract". Only this code means NotFound; from WeChat's v2 papay documentation (no
    /// public answer sample was found), so an unfamiliar code stays Unknown rather than risk a wrong NotFound.
    /// </summary>
    public const string ContractNotExist = "CONTRACT_NOT_EXIST";

    /// <summary>WeChat's limit for <c>contract_termination_remark</c>.</summary>
    private const int MaxRemarkLength = 256;

    public async Task<ChannelContractResult> QueryAsync(WeChatPayPapayMerchant merchant, ChannelContractRef contract, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(contract);
        var answer = await client.PostAsync(merchant, QueryPath, WeChatPayPapaySigning.Signed(merchant, Identify(merchant, contract), WeChatPayV2Signer.Md5), WeChatPayV2Signer.Md5, cancellationToken).ConfigureAwait(false);
        if (!answer.IsVerified)
        {
            return ChannelContractResult.Unknown(answer.Failure!);
        }

        if (!answer.IsSuccess)
        {
            return answer.ErrorCode == ContractNotExist
                ? new ChannelContractResult(ChannelContractState.NotFound, ErrorCode: answer.ErrorCode, ErrorMessage: answer.ErrorMessage)
                : new ChannelContractResult(ChannelContractState.Unknown, ErrorCode: answer.ErrorCode ?? "CHANNEL_UNKNOWN", ErrorMessage: answer.ErrorMessage);
        }

        if (Mismatch(merchant, contract, answer) is { } mismatch)
        {
            return ChannelContractResult.Unknown(mismatch);
        }

        var state = answer.Get("contract_state") switch
        {
            "0" => ChannelContractState.Signed,
            "1" => ChannelContractState.Terminated,
            _ => ChannelContractState.Unknown,
        };
        return new ChannelContractResult(
            state,
            answer.Get("contract_id"),
            WeChatPayV2Time.ParseDashed(answer.Get("contract_signed_time")),
            state == ChannelContractState.Terminated ? WeChatPayV2Time.ParseDashed(answer.Get("contract_terminated_time")) : null,
            ErrorCode: state == ChannelContractState.Unknown ? "UNKNOWN_CONTRACT_STATE" : null,
            ErrorMessage: state == ChannelContractState.Unknown ? $"contract_state '{answer.Get("contract_state")}'" : null);
    }

    public async Task<ChannelContractResult> TerminateAsync(WeChatPayPapayMerchant merchant, ChannelContractRef contract, string? reason, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(contract);
        var fields = Identify(merchant, contract);
        // WeChat requires a remark; the merchant's reason when given.
        fields.Add(new("contract_termination_remark", WeChatPayText.Truncate(string.IsNullOrWhiteSpace(reason) ? "merchant terminated" : reason, MaxRemarkLength)));
        var answer = await client.PostAsync(merchant, DeletePath, WeChatPayPapaySigning.Signed(merchant, fields, WeChatPayV2Signer.Md5), WeChatPayV2Signer.Md5, cancellationToken).ConfigureAwait(false);
        if (answer.IsVerified && answer.IsSuccess && Mismatch(merchant, contract, answer) is null)
        {
            return new ChannelContractResult(ChannelContractState.Terminated, answer.Get("contract_id") ?? contract.ChannelContractNo);
        }

        // A refusal (already terminated, never signed …) or no usable answer: the contract's state is what the
        // caller needs, and only a query says it for certain.
        var query = await QueryAsync(merchant, contract, cancellationToken).ConfigureAwait(false);
        if (query.State is ChannelContractState.Terminated or ChannelContractState.NotFound)
        {
            return query;
        }

        return new ChannelContractResult(
            ChannelContractState.Unknown,
            query.ChannelContractNo ?? contract.ChannelContractNo,
            query.SignedAt,
            ErrorCode: answer.ErrorCode ?? query.ErrorCode ?? "CHANNEL_UNKNOWN",
            ErrorMessage: answer.ErrorMessage ?? answer.Failure ?? query.ErrorMessage);
    }

    private static List<KeyValuePair<string, string?>> Identify(WeChatPayPapayMerchant merchant, ChannelContractRef contract)
    {
        List<KeyValuePair<string, string?>> fields = [new("appid", merchant.AppId), new("mch_id", merchant.MchId)];
        if (!string.IsNullOrEmpty(contract.ChannelContractNo))
        {
            fields.Add(new("contract_id", contract.ChannelContractNo));
        }
        else
        {
            fields.Add(new("plan_id", merchant.PlanId));
            fields.Add(new("contract_code", contract.ContractId));
        }

        fields.Add(new("version", "1.0"));
        return fields;
    }

    // An answer about another merchant or contract must not be believed for this one.
    private static string? Mismatch(WeChatPayPapayMerchant merchant, ChannelContractRef contract, WeChatPayV2Response answer)
    {
        if (answer.Get("mch_id") is { } mchId && mchId != merchant.MchId)
        {
            return "WeChat Pay answered for another merchant id.";
        }

        if (answer.Get("contract_code") is { } code && code != contract.ContractId)
        {
            return "WeChat Pay answered about another contract_code.";
        }

        if (contract.ChannelContractNo is { Length: > 0 } known && answer.Get("contract_id") is { } id && id != known)
        {
            return "WeChat Pay answered about another contract_id.";
        }

        return null;
    }
}
