package licensing

import "imageconverter/licensing/policy"

// planner is a Service as the tests ask it what the effective plan allows.
type planner interface {
	Status() Status
	Plans() policy.Plans
}

func canUseFormat(s planner, format string) *policy.Refusal {
	return policy.Format(s.Status().Limits, s.Plans(), format)
}
func canUseFolders(s planner) *policy.Refusal { return policy.Folders(s.Status().Limits, s.Plans()) }
func canUseSchedules(s planner) *policy.Refusal {
	return policy.Schedules(s.Status().Limits, s.Plans())
}
func canScan(s planner) *policy.Refusal { return policy.Scan(s.Status().Limits, s.Plans()) }

// decide is what a drop may convert now under the effective plan.
func decide(s planner, req policy.Request) policy.Decision {
	st := s.Status()
	req.Remaining = st.Remaining
	return policy.Decide(st.Plan, st.Limits, s.Plans(), req)
}
