// Send a mail through Gmail, then read it back over IMAP and over POP3.
// On a machine with no network and no account: fourmail run --sandbox examples/send-then-read.4dm
var $server; $email; $status; $boxInfo; $mail : Object
var $ids; $list : Collection
var $subject : Text
var $smtp : 4D.SMTPTransporter
var $imap : 4D.IMAPTransporter
var $pop3 : 4D.POP3Transporter

$subject:="Hello from fourmail "+Generate UUID

// Send (SMTP over implicit TLS, port 465)
$server:=New object
$server.host:="smtp.gmail.com"
$server.port:=465
$server.user:="4d@gmail.com"
$server.password:="XXXXXXXX"
$smtp:=SMTP New transporter($server)

$email:=New object
$email.from:="4d@gmail.com"
$email.to:="4d@gmail.com"
$email.cc:="test@gmail.com"
$email.subject:=$subject
$email.textBody:="Sent by fourmail, read back at once."
$status:=$smtp.send($email)
If (Not($status.success))
	ALERT("Sending failed: "+$status.statusText)
Else
	ALERT("Sent: "+$status.statusText)
	
	// Read it over IMAP (port 993)
	$server:=New object("host"; "imap.gmail.com"; "port"; 993; "user"; "4d@gmail.com"; "password"; "XXXXXXXX")
	$imap:=IMAP New transporter($server)
	$boxInfo:=$imap.selectBox("INBOX")
	$ids:=$imap.searchMails("SUBJECT \""+$subject+"\"")
	$mail:=$imap.getMail($ids[0])
	ALERT("IMAP: message "+$mail.id+" of "+String($boxInfo.mailCount)+" from "+$mail.from[0].email+": "+$mail.subject)
	
	// Read it over POP3 (port 995): the newest message of the Cc recipient's mailbox
	$server:=New object("host"; "pop.gmail.com"; "port"; 995; "user"; "test@gmail.com"; "password"; "XXXXXXXX")
	$pop3:=POP3 New transporter($server)
	$list:=$pop3.getMailInfoList()
	$mail:=$pop3.getMail($list[$list.length-1].number)
	ALERT("POP3: message "+String($list.length)+" of test@gmail.com: "+$mail.subject)
End if
