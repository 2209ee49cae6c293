// Watch a mailbox with IMAP IDLE: a listener class (Classes/IMAPListener.4dm) is called back
// when mail arrives. Here the script sends that mail itself, then waits.
// On a machine with no network and no account: fourmail run --sandbox examples/listen/listen.4dm
var $server; $status; $email : Object
var $imap : 4D.IMAPTransporter
var $smtp : 4D.SMTPTransporter
var $listener : cs.IMAPListener
var $until : Integer

$listener:=cs.IMAPListener.new()
$server:=New object("host"; "imap.gmail.com"; "port"; 993; "user"; "4d@gmail.com"; "password"; "XXXXXXXX")
$server.listener:=$listener
$imap:=IMAP New transporter($server)
$status:=$imap.selectBox("INBOX")
$status:=$imap.notifier.start()
If (Not($status.success))
	ALERT("The notifier did not start: "+$status.statusText)
Else
	ALERT("Listening to INBOX")
	
	$smtp:=SMTP New transporter(New object("host"; "smtp.gmail.com"; "port"; 465; "user"; "4d@gmail.com"; "password"; "XXXXXXXX"))
	$email:=New object("from"; "4d@gmail.com"; "to"; "4d@gmail.com"; "subject"; "Ping "+Generate UUID; "textBody"; "Are you listening?")
	$status:=$smtp.send($email)
	
	// Callbacks run while this process waits; the listener stops the notifier on the first mail
	$until:=Milliseconds+30000
	While ($imap.notifier.isStarted & (Milliseconds<$until))
		DELAY PROCESS(Current process; 30)
	End while
	If ($listener.received.length=0)
		ALERT("No mail arrived in 30 seconds")
	End if
End if
