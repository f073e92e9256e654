using System.Security.Cryptography;
using PayGateway.ChannelSimulator.State;

namespace PayGateway.ChannelSimulator.Alipay;

/// <summary>What opening a sign page did.</summary>
internal enum AgreementStartOutcome { Created, Existing, Conflict }

/// <summary>What the payer's sign (or an unsign) did.</summary>
internal enum AgreementChangeOutcome { Changed, AlreadyDone, NotAllowed, NotFound }

/// <summary>Why a move of a 周期扣款 plan is refused; null in <see cref="AlipayAgreementStore.MovePlan"/> when it moved.</summary>
internal enum PlanMoveRefusal { AgreementNotFound, AgreementNotNormal, NotCycle, NotLater, DayNotAllowed }

/// <summary>Why a deduction under an agreement is refused; null in <see cref="AlipayAgreementStore.Deduct"/> when it is allowed.</summary>
internal enum DeductionRefusal { AgreementNotFound, AgreementNotNormal, ProductMismatch, SingleAmountExceeded, TotalTimesExceeded, OutsideWindow }

/// <summary>
/// The agreements (周期扣款 / 商家扣款), keyed by (app_id, external_agreement_no) as Alipay deduplicates them, and by
/// agreement_no. One lock for everything: a deduction checks the agreement and records itself under it, so two
/// concurrent deductions can never both use one period.
/// </summary>
internal sealed class AlipayAgreementStore(TimeProvider time) : IResettableState
{
    private readonly Lock _lock = new();
    private readonly Dictionary<(string AppId, string External), AlipayAgreement> _byExternal = [];
    private readonly Dictionary<string, AlipayAgreement> _byNumber = new(StringComparer.Ordinal);

    /// <summary>
    /// The agreement for a sign page: a new TEMP one, or the existing one for (app_id, external_agreement_no) when it
    /// is for the same product and scene (opening the page again), else a conflict.
    /// </summary>
    public (AgreementStartOutcome Outcome, AlipayAgreement Agreement) StartOrGet(NewAgreement request)
    {
        lock (_lock)
        {
            if (_byExternal.TryGetValue((request.AppId, request.ExternalAgreementNo), out var existing))
            {
                var same = existing.ProductCode == request.ProductCode && existing.SignScene == request.SignScene;
                return (same ? AgreementStartOutcome.Existing : AgreementStartOutcome.Conflict, existing);
            }

            var created = new AlipayAgreement(
                request.AppId, request.ExternalAgreementNo, NewAgreementNo(), request.ProductCode, request.SignScene, request.ExternalLogonId,
                request.AccessChannel, request.PeriodRule, request.NotifyUrl, request.ReturnUrl, AlipayAgreementStatus.Temp, time.GetUtcNow(),
                NextDeductDate: request.PeriodRule?.ExecuteDate);
            Put(created);
            return (AgreementStartOutcome.Created, created);
        }
    }

    public AlipayAgreement? FindByNumber(string appId, string agreementNo)
    {
        lock (_lock)
        {
            return _byNumber.TryGetValue(agreementNo, out var a) && a.AppId == appId ? a : null;
        }
    }

    /// <summary>The agreement named by number (any app): what the payer's sign page knows.</summary>
    public AlipayAgreement? FindByNumber(string agreementNo)
    {
        lock (_lock)
        {
            return _byNumber.GetValueOrDefault(agreementNo);
        }
    }

    /// <summary>By the merchant's number, which Alipay only accepts together with the personal product code and scene.</summary>
    public AlipayAgreement? FindByExternal(string appId, string externalAgreementNo, string? personalProductCode, string? signScene)
    {
        lock (_lock)
        {
            return _byExternal.TryGetValue((appId, externalAgreementNo), out var a)
                && a.PersonalProductCode == personalProductCode && a.SignScene == signScene
                ? a
                : null;
        }
    }

    /// <summary>By (app_id, external_agreement_no) alone: what the test control names agreements by.</summary>
    public AlipayAgreement? FindByExternal(string appId, string externalAgreementNo)
    {
        lock (_lock)
        {
            return _byExternal.GetValueOrDefault((appId, externalAgreementNo));
        }
    }

    /// <summary>The payer signs: TEMP → NORMAL.</summary>
    public (AgreementChangeOutcome Outcome, AlipayAgreement? Agreement) Sign(string agreementNo) =>
        Change(agreementNo, a => a.Status switch
        {
            AlipayAgreementStatus.Temp => (AgreementChangeOutcome.Changed, a with { Status = AlipayAgreementStatus.Normal, SignedAt = time.GetUtcNow() }),
            AlipayAgreementStatus.Normal => (AgreementChangeOutcome.AlreadyDone, a),
            _ => (AgreementChangeOutcome.NotAllowed, a),
        });

    /// <summary>The payer or the merchant ends it: TEMP or NORMAL → STOP.</summary>
    public (AgreementChangeOutcome Outcome, AlipayAgreement? Agreement) Unsign(string agreementNo) =>
        Change(agreementNo, a => a.Status == AlipayAgreementStatus.Stop
            ? (AgreementChangeOutcome.AlreadyDone, a)
            : (AgreementChangeOutcome.Changed, a with { Status = AlipayAgreementStatus.Stop, UnsignedAt = time.GetUtcNow() }));

    /// <summary>
    /// Charges under the agreement, or says why not. <paramref name="charge"/> runs under the store's lock once the
    /// agreement allows the deduction and creates the trade; afterwards the agreement counts it and a 周期扣款 plan
    /// moves one period. A deduction is allowed from <paramref name="windowDays"/> days before the planned date up to
    /// it (Beijing dates), so a second one in the same period falls before the next window.
    /// </summary>
    public DeductionRefusal? Deduct(string appId, string agreementNo, string productCode, long amount, int windowDays, Func<bool> charge)
    {
        var now = time.GetUtcNow();
        var today = AlipayWire.BeijingDate(now);
        lock (_lock)
        {
            if (!_byNumber.TryGetValue(agreementNo, out var a) || a.AppId != appId)
            {
                return DeductionRefusal.AgreementNotFound;
            }
            if (a.Status != AlipayAgreementStatus.Normal)
            {
                return DeductionRefusal.AgreementNotNormal;
            }
            if (a.ProductCode != productCode)
            {
                return DeductionRefusal.ProductMismatch;
            }
            if (a.PeriodRule is { } rule)
            {
                if (amount > rule.SingleAmount)
                {
                    return DeductionRefusal.SingleAmountExceeded;
                }
                if (rule.TotalPayments is { } total && a.Deductions >= total)
                {
                    return DeductionRefusal.TotalTimesExceeded;
                }
                var plan = a.NextDeductDate!.Value;
                if (today < plan.AddDays(-windowDays) || today > plan)
                {
                    return DeductionRefusal.OutsideWindow;
                }
            }

            if (charge())
            {
                Put(a with
                {
                    Deductions = a.Deductions + 1,
                    LastDeductedAt = now,
                    NextDeductDate = a.PeriodRule is { } r ? r.Next(a.NextDeductDate!.Value) : null,
                });
            }
            return null;
        }
    }

    /// <summary>
    /// executionplan.modify: moves a 周期扣款 plan to <paramref name="date"/>, only later than the current plan, and for
    /// MONTH agreements never onto the 29th–31st (channel-protocols-2.md §2.1). Later deductions advance from there.
    /// </summary>
    public PlanMoveRefusal? MovePlan(string appId, string agreementNo, DateOnly date, out AlipayAgreement? moved)
    {
        lock (_lock)
        {
            moved = null;
            if (!_byNumber.TryGetValue(agreementNo, out var a) || a.AppId != appId)
            {
                return PlanMoveRefusal.AgreementNotFound;
            }
            if (a.Status != AlipayAgreementStatus.Normal)
            {
                return PlanMoveRefusal.AgreementNotNormal;
            }
            if (a.PeriodRule is not { } rule)
            {
                return PlanMoveRefusal.NotCycle;
            }
            if (date <= a.NextDeductDate!.Value)
            {
                return PlanMoveRefusal.NotLater;
            }
            if (rule.PeriodType == "MONTH" && date.Day > 28)
            {
                return PlanMoveRefusal.DayNotAllowed;
            }
            moved = a with { NextDeductDate = date };
            Put(moved);
            return null;
        }
    }

    public void Clear()
    {
        lock (_lock)
        {
            _byExternal.Clear();
            _byNumber.Clear();
        }
    }

    private (AgreementChangeOutcome Outcome, AlipayAgreement? Agreement) Change(string agreementNo, Func<AlipayAgreement, (AgreementChangeOutcome, AlipayAgreement)> change)
    {
        lock (_lock)
        {
            if (!_byNumber.TryGetValue(agreementNo, out var a))
            {
                return (AgreementChangeOutcome.NotFound, null);
            }
            var (outcome, after) = change(a);
            Put(after);
            return (outcome, after);
        }
    }

    private void Put(AlipayAgreement agreement)
    {
        _byExternal[(agreement.AppId, agreement.ExternalAgreementNo)] = agreement;
        _byNumber[agreement.AgreementNo] = agreement;
    }

    // Alipay agreement numbers are 20 digits (2020… in the samples); random so numbers never repeat across resets.
    private string NewAgreementNo()
    {
        string number;
        do
        {
            number = "20" + RandomNumberGenerator.GetInt32(100_000_000, 999_999_999).ToString("D9", System.Globalization.CultureInfo.InvariantCulture)
                + RandomNumberGenerator.GetInt32(100_000_000, 999_999_999).ToString("D9", System.Globalization.CultureInfo.InvariantCulture);
        }
        while (_byNumber.ContainsKey(number));
        return number;
    }
}
