package preview

// encoded returns the bytes an encode produced (kept for the window to fetch).
func (s *Store) encoded(token string, res Result) []byte {
	ss, err := s.get(token)
	if err != nil {
		return nil
	}
	o, ok := ss.output(res.draft, res.gen)
	if !ok {
		return nil
	}
	return o.data
}
