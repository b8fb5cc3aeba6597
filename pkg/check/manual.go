package check

// HandEditManager reports whether manager is one of the hand-edit managers (Compiler.Manual)
// whose fields Compare and CompareRequest search for hand edits. A caller that reads an
// object's managedFields itself, such as the webhook while it decodes a request, asks with the
// names it found instead of searching the object's JSON.
func (t *Target) HandEditManager(manager string) bool { return t.manual[manager] }
