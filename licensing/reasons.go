package licensing

// Reasons the effective plan is not the one the account pays for (Status.Reason).
const (
	ReasonSignedOut      = "signed_out"          // not signed in: free plan
	ReasonNoEntitlement  = "no_entitlement"      // signed in, never reached the server yet
	ReasonInvalid        = "entitlement_invalid" // signature or content does not check out (tampered)
	ReasonUntrustedKey   = "untrusted_key"       // signed by a key this app does not trust
	ReasonForeignDevice  = "foreign_device"      // issued to another computer
	ReasonOtherAccount   = "other_account"       // issued to another user
	ReasonExpired        = "expired"             // offline longer than the grace period
	ReasonClockSetBack   = "clock_set_back"      // the clock is before a time already seen
	ReasonUnknownPlan    = "unknown_plan"        // plan id this app does not know
	ReasonDeviceLimit    = "device_limit"        // the server refused this computer (too many devices)
	ReasonSessionExpired = "session_expired"     // the sign-in is no longer valid
	ReasonPeriodEnded    = "period_ended"        // the paid period in the entitlement is over
	ReasonUsageUnknown   = "usage_unknown"       // this computer's usage record is missing
)

var reasonMessages = map[string]string{
	ReasonSignedOut:      "You are not signed in, so the Free plan applies.",
	ReasonNoEntitlement:  "Your plan could not be checked yet, so the Free plan applies until the app can reach the service.",
	ReasonInvalid:        "Your plan information on this computer is damaged, so the Free plan applies until the app can check it online.",
	ReasonUntrustedKey:   "Your plan information could not be confirmed, so the Free plan applies. Please update the app.",
	ReasonForeignDevice:  "Your plan information belongs to another computer, so the Free plan applies until the app can check it online.",
	ReasonOtherAccount:   "Your plan information belongs to another account, so the Free plan applies until the app can check it online.",
	ReasonExpired:        "The app has been offline for too long, so the Free plan applies. Connect to the internet to restore your plan.",
	ReasonClockSetBack:   "Your computer's clock was set back, so the app must check your plan online. The Free plan applies until then.",
	ReasonUnknownPlan:    "Your plan is not known to this version of the app, so the Free plan applies. Please update the app.",
	ReasonDeviceLimit:    "Your plan is already used on its maximum number of computers. Remove one in Plan & billing, or upgrade.",
	ReasonSessionExpired: "You have been signed out. Please sign in again.",
	ReasonPeriodEnded:    "Your paid period has ended, so the Free plan applies until the app can check your plan online.",
	ReasonUsageUnknown:   "This computer's record of today's conversions is missing, so the Free plan applies until the app can check your plan online.",
}

// ReasonMessage returns the English sentence for a Status.Reason.
func ReasonMessage(r string) string { return reasonMessages[r] }
