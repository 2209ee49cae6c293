// The listener of IMAPNotifier.md's example: told what happens in the watched mailbox.
property received : Collection

Class constructor
	This.received:=New collection
	
	// Triggered when a new message is detected in the watched mailbox
Function onMailCreated($transporter : 4D.IMAPTransporter; $event : Object)
	var $status; $mail : Object
	// Stop listening to use the transporter, as IMAPNotifier.md says
	$status:=$transporter.notifier.stop()
	$mail:=$transporter.getMail($event.number)
	This.received.push($mail.subject)
	ALERT("New mail #"+String($event.number)+" from "+$mail.from[0].email+": "+$mail.subject)
	
	// Triggered when a message is deleted
Function onMailDeleted($transporter : 4D.IMAPTransporter; $event : Object)
	ALERT("Message #"+String($event.number)+" deleted")
	
	// Triggered when the flags of a message change
Function onFlagsModified($transporter : 4D.IMAPTransporter; $event : Object)
	ALERT("Message #"+String($event.number)+" flags: "+JSON Stringify($event.keywords))
