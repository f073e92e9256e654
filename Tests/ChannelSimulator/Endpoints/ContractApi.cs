using PayGateway.ChannelSimulator.Behaviour;
using PayGateway.ChannelSimulator.Payments;
using PayGateway.ChannelSimulator.Protocol;
using PayGateway.ChannelSimulator.Records;
using PayGateway.ChannelSimulator.State;

namespace PayGateway.ChannelSimulator.Endpoints;

/// <summary>
/// Contracts and deductions: POST /mock/v1/contracts, GET /mock/v1/contracts/{contract_code}, POST …/terminate and
/// POST /mock/v1/deductions. Contract calls are recorded with the contract_code as out_trade_no and behaviours are set
/// for it; a deduction's behaviour is the one set for its out_trade_no, else for its contract_code, else global.
/// </summary>
internal sealed class ContractApi(MockApiGate gate, ContractStore contracts, BehaviourRegistry behaviours, ContractOperations operations, TimeProvider time)
{
    public static void Map(IEndpointRouteBuilder app)
    {
        app.MapPost("/mock/v1/contracts", (HttpContext c, ContractApi api) => api.CreateAsync(c));
        app.MapGet("/mock/v1/contracts/{contractCode}", (HttpContext c, string contractCode, ContractApi api) => api.QueryAsync(c, contractCode));
        app.MapPost("/mock/v1/contracts/{contractCode}/terminate", (HttpContext c, string contractCode, ContractApi api) => api.TerminateAsync(c, contractCode));
        app.MapPost("/mock/v1/deductions", (HttpContext c, ContractApi api) => api.DeductAsync(c));
    }

    public async Task CreateAsync(HttpContext context)
    {
        var call = await gate.BeginAsync(context, RecordKind.ContractCreate, null);
        if (call is null)
        {
            return;
        }
        var body = FundsRequestValidator.Parse<CreateContractBody>(call.Request.Body);
        var invalid = body is null ? "Body is not a JSON object of the documented shape." : ContractRequestValidator.Validate(body);
        if (body is null || invalid is not null)
        {
            await call.ReplyAsync(400, new ErrorBody("INVALID_REQUEST", invalid!), "INVALID_REQUEST", body?.ContractCode, body?.AmountPerDeduction, body?.Currency);
            return;
        }
        call.Behaviour = behaviours.Resolve(body.ContractCode, SimulatorOperation.ContractCreate);
        if (!await call.ApplyDelayAndFailAsync(body.ContractCode, body.AmountPerDeduction, body.Currency))
        {
            return;
        }
        // Only a new contract must still have time to be signed; a repeat returns the contract whatever became of it.
        if (contracts.Find(call.MerchantId, body.ContractCode!) is null && body.ExpiresAt <= time.GetUtcNow())
        {
            await call.ReplyAsync(400, new ErrorBody("INVALID_REQUEST", "expires_at is in the past."), "INVALID_REQUEST", body.ContractCode, body.AmountPerDeduction, body.Currency);
            return;
        }

        var (outcome, contract) = contracts.CreateOrGet(new NewContract(
            call.MerchantId, body.ContractCode!, body.Method!, body.Currency!, body.AmountPerDeduction!.Value, body.MaxDeductions, body.PeriodUnit!,
            body.PeriodEvery!.Value, body.FirstDeductionDate!.Value, body.DisplayAccount!, new Uri(body.NotifyUrl!), body.ReturnUrl, body.ExpiresAt!.Value));
        if (outcome == ContractCreateOutcome.Conflict)
        {
            await call.ReplyAsync(409, new ErrorBody("CONTRACT_CODE_CONFLICT", "contract_code already used with different terms."),
                "CONTRACT_CODE_CONFLICT", contract.ContractCode, body.AmountPerDeduction, body.Currency, contract.ContractId);
            return;
        }
        await ReplyAsync(call, ContractViews.Created(contract, context.Request, call.Request.Key), contract);
    }

    public async Task QueryAsync(HttpContext context, string contractCode)
    {
        var call = await BeginAsync(context, RecordKind.ContractQuery, contractCode, SimulatorOperation.ContractQuery);
        if (call is null)
        {
            return;
        }
        // Looked up after the delay: the payer may have signed meanwhile.
        if (contracts.Find(call.MerchantId, contractCode) is not { } contract)
        {
            await NotFoundAsync(call, contractCode);
            return;
        }
        await ReplyAsync(call, ContractViews.Queried(contract), contract);
    }

    public async Task TerminateAsync(HttpContext context, string contractCode)
    {
        var call = await BeginAsync(context, RecordKind.ContractTerminate, contractCode, SimulatorOperation.ContractTerminate);
        if (call is null)
        {
            return;
        }
        if (call.Request.Body.Length > 0 && FundsRequestValidator.Parse<TerminateContractBody>(call.Request.Body) is not { Reason: null or { Length: <= 256 } })
        {
            await call.ReplyAsync(400, new ErrorBody("INVALID_REQUEST", "The body must be empty or {\"reason\": at most 256 characters}."), "INVALID_REQUEST", contractCode);
            return;
        }
        if (contracts.Find(call.MerchantId, contractCode) is null)
        {
            await NotFoundAsync(call, contractCode);
            return;
        }
        var (_, contract) = operations.Terminate(call.MerchantId, contractCode, "merchant");
        await ReplyAsync(call, ContractViews.Queried(contract), contract);
    }

    public async Task DeductAsync(HttpContext context)
    {
        var call = await gate.BeginAsync(context, RecordKind.Deduct, null);
        if (call is null)
        {
            return;
        }
        var body = FundsRequestValidator.Parse<DeductBody>(call.Request.Body);
        var invalid = body is null ? "Body is not a JSON object of the documented shape." : ContractRequestValidator.Validate(body);
        if (body is null || invalid is not null)
        {
            await call.ReplyAsync(400, new ErrorBody("INVALID_REQUEST", invalid!), "INVALID_REQUEST", body?.OutTradeNo, body?.Amount, body?.Currency);
            return;
        }
        var contractCode = contracts.FindByContractId(body.ContractId!) is { MerchantId: var owner } c && owner == call.MerchantId ? c.ContractCode : null;
        call.Behaviour = behaviours.ResolveFirst(SimulatorOperation.Deduct, body.OutTradeNo, contractCode);
        if (!await call.ApplyDelayAndFailAsync(body.OutTradeNo, body.Amount, body.Currency))
        {
            return;
        }

        var (outcome, check, trade) = operations.Deduct(new NewDeduction(
            call.MerchantId, body.OutTradeNo!, body.ContractId!, body.Amount!.Value, body.Currency!, body.Subject!,
            body.NotifyUrl is null ? null : new Uri(body.NotifyUrl)), call.Behaviour);
        if (outcome is DeductOutcome.Created or DeductOutcome.Existing)
        {
            await call.ReplyAsync(200, ContractViews.Deduction(trade!, body.ContractId!), trade!.Status, trade);
            return;
        }
        var (status, code, message) = outcome == DeductOutcome.Conflict
            ? (409, "OUT_TRADE_NO_CONFLICT", "out_trade_no already used for another payment, contract or amount.")
            : check switch
            {
                DeductionCheck.NotFound => (404, "CONTRACT_NOT_FOUND", "No such contract_id."),
                DeductionCheck.NotSigned => (409, "CONTRACT_NOT_SIGNED", "The contract is not signed."),
                DeductionCheck.Terminated => (409, "CONTRACT_TERMINATED", "The contract has ended."),
                DeductionCheck.CurrencyMismatch => (400, "INVALID_REQUEST", "currency differs from the contract's."),
                DeductionCheck.ExceedsLimit => (409, "AMOUNT_EXCEEDS_LIMIT", "amount exceeds the contract's amount_per_deduction."),
                _ => (409, "DEDUCTIONS_EXHAUSTED", "The contract's max_deductions are used up."),
            };
        await call.ReplyAsync(status, new ErrorBody(code, message), code, body.OutTradeNo, body.Amount, body.Currency, trade?.TradeNo);
    }

    private async Task<MockApiCall?> BeginAsync(HttpContext context, string kind, string contractCode, string operation)
    {
        var call = await gate.BeginAsync(context, kind, contractCode);
        if (call is null)
        {
            return null;
        }
        call.Behaviour = behaviours.Resolve(contractCode, operation);
        return await call.ApplyDelayAndFailAsync(contractCode, null, null) ? call : null;
    }

    private static Task ReplyAsync(MockApiCall call, ContractView view, SimulatorContract contract) =>
        call.ReplyAsync(200, view, contract.Status, contract.ContractCode, contract.AmountPerDeduction, contract.Currency, contract.ContractId);

    private static Task NotFoundAsync(MockApiCall call, string contractCode) =>
        call.ReplyAsync(404, new ErrorBody("CONTRACT_NOT_FOUND", "No such contract_code."), "CONTRACT_NOT_FOUND", contractCode);
}
