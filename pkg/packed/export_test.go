package packed

// Size returns the length of t's encoding in bytes: what t holds of its own, beside the
// Packer's tables.
func (t Tree) Size() int { return len(t.enc) }
